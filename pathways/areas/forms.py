"""The neighbourhood intelligence filters: which area, which indicator, how many, thresholds."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms

from pathways.areas.loaders.reading import LSOA_CODE
from pathways.areas.models import Indicator, LocalAuthority, Neighbourhood
from pathways.areas.services import codes_in


class HotspotForm(forms.Form):
    area = forms.ChoiceField(label="Area")
    indicator = forms.ChoiceField(label="Indicator")
    top = forms.IntegerField(
        label="How many LSOAs", min_value=1, max_value=2000, initial=10, required=False
    )
    at_least = forms.DecimalField(
        label="Only values at least",
        required=False,
        help_text="For example 0.25 for worklessness of 25% or more",
    )
    at_most = forms.DecimalField(label="Only values at most", required=False)
    most_deprived = forms.ChoiceField(
        label="Only LSOAs among the most deprived nationally",
        required=False,
        choices=[("", "Any"), ("1", "1%"), ("5", "5%"), ("10", "10%"), ("20", "20%")],
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        authorities = LocalAuthority.objects.filter(lsoas__isnull=False).distinct().order_by("name")
        hoods = Neighbourhood.objects.order_by("name")
        self.fields["area"].choices = [
            ("Local authorities", [(la.code, la.name) for la in authorities]),
            *([("Neighbourhoods", [(h.code, h.name) for h in hoods])] if hoods else []),
        ]
        self.fields["indicator"].choices = [
            (i.code, i.name) for i in Indicator.objects.order_by("name")
        ]

    def first_area(self) -> str:
        """The first area offered (the first local authority), or "" if none is loaded."""
        return next(
            (code for _group, options in self.fields["area"].choices for code, _ in options), ""
        )

    def clean(self) -> dict[str, Any]:
        found = super().clean()
        low, high = found.get("at_least"), found.get("at_most")
        if low is not None and high is not None and low > high:
            self.add_error("at_most", "Enter a value at least as big as 'only values at least'")
        return found

    @property
    def percent(self) -> Decimal | None:
        value = self.cleaned_data.get("most_deprived")
        return Decimal(value) if value else None


class NeighbourhoodForm(forms.Form):
    name = forms.CharField(label="Name", max_length=150)
    description = forms.CharField(
        label="Description (optional)", required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    codes = forms.CharField(
        label="LSOA codes",
        required=False,
        help_text="Separated by commas, spaces or new lines, for example E01006412, E01006413",
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    codes_file = forms.FileField(
        label="Or a CSV file of LSOA codes",
        required=False,
        help_text="Any column of codes; other cells are passed over",
    )
    programme = forms.ChoiceField(label="Make it a programme's area", required=False)

    MAX_FILE = 2 * 1024 * 1024

    def __init__(self, *args: Any, programmes: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.programmes = {p.code: p for p in programmes}
        if programmes:
            self.fields["programme"].choices = [("", "No: a neighbourhood only")] + [
                (p.code, p.name) for p in programmes
            ]
        else:
            del self.fields["programme"]

    def clean_codes_file(self) -> str:
        upload = self.cleaned_data.get("codes_file")
        if not upload:
            return ""
        if upload.size > self.MAX_FILE:
            raise forms.ValidationError("The file must be smaller than 2 MB")
        try:
            return upload.read().decode("utf-8-sig")
        except UnicodeDecodeError:
            raise forms.ValidationError(
                "The file must be text (CSV UTF-8): save it as 'CSV UTF-8' and try again"
            ) from None

    def all_codes(self) -> list[str]:
        """The codes typed (each checked) and those found in the file (any cell that is an
        LSOA code; headings and notes passed over)."""
        typed = codes_in(self.cleaned_data.get("codes") or "")
        found = [
            c for c in codes_in(self.cleaned_data.get("codes_file") or "") if LSOA_CODE.match(c)
        ]
        return list(dict.fromkeys(typed + found))
