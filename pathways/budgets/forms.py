"""Forms for the budget: money typed in pounds, kept in pence."""

from __future__ import annotations

from typing import Any

from django import forms
from django.http import Http404, HttpRequest

from pathways.budgets.models import Category
from pathways.budgets.selectors import SpendFilter
from pathways.core.forms import DateField
from pathways.core.money import parse_pounds
from pathways.programmes.selectors import programmes_for


class PoundsField(forms.CharField):
    """An amount of money typed in pounds ('300', '£1,000.50'), cleaned to whole pence."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("max_length", 20)
        super().__init__(**kwargs)

    def clean(self, value: Any) -> int | None:  # type: ignore[override]
        value = super().clean(value)
        if value in ("", None):
            return None
        try:
            return parse_pounds(value)
        except ValueError as error:
            raise forms.ValidationError(str(error)) from None


class SpendRequestForm(forms.Form):
    category = forms.ChoiceField(
        label="What is it for?",
        choices=Category.choices,
        error_messages={"required": "Choose what the money is for"},
    )
    amount_pence = PoundsField(
        label="Amount (£)",
        help_text="For example, 300.00. Up to £250.00 is committed at once; more needs a team manager's approval",
        error_messages={"required": "Enter the amount"},
    )
    supplier = forms.CharField(label="Supplier (optional)", max_length=200, required=False)
    description = forms.CharField(label="Description (optional)", max_length=500, required=False)


class RefundForm(forms.Form):
    category = forms.ChoiceField(label="What was it for?", choices=Category.choices)
    amount_pence = PoundsField(
        label="Amount refunded (£)", error_messages={"required": "Enter the amount"}
    )
    description = forms.CharField(label="Description (optional)", max_length=500, required=False)


class AdjustForm(forms.Form):
    amount_pence = PoundsField(
        label="Change (£)",
        help_text="A top-up like 100.00, or a reduction like -50.00",
        error_messages={"required": "Enter the change"},
    )
    reason = forms.CharField(
        label="Reason",
        max_length=500,
        error_messages={"required": "Enter the reason for the change"},
    )


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(
        label="Your decision",
        choices=[("approve", "Approve"), ("reject", "Reject")],
        widget=forms.RadioSelect,
        error_messages={"required": "Choose approve or reject"},
    )
    reason = forms.CharField(label="Reason (needed to reject)", max_length=500, required=False)


class ReceiptForm(forms.Form):
    receipt = forms.FileField(
        label="Receipt (PDF, JPG or PNG, up to 5 MB)",
        error_messages={"required": "Choose the receipt file"},
    )


class SpendFilterForm(forms.Form):
    """Which programme, period and local authority the spending page and its downloads cover."""

    programme = forms.ChoiceField(label="Programme")
    date_from = DateField(what="the start of the period", required=False, label="From")
    date_to = DateField(what="the end of the period", required=False, label="To")
    local_authority = forms.ChoiceField(label="Local authority", required=False)

    def __init__(self, *args: Any, programmes: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.programmes = {p.code: p for p in programmes}
        self.fields["programme"].choices = [(p.code, p.name) for p in self.programmes.values()]
        authorities = {
            la.code: la for p in self.programmes.values() for la in p.local_authorities.all()
        }
        self.authorities = authorities
        self.fields["local_authority"].choices = [("", "All")] + sorted(
            ((la.code, la.name) for la in authorities.values()), key=lambda choice: choice[1]
        )

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and end < start:
            self.add_error("date_to", "The end of the period must be on or after its start")
        return data

    def spend_filter(self) -> SpendFilter:
        data = self.cleaned_data
        return SpendFilter(
            programme=self.programmes[data["programme"]],
            date_from=data.get("date_from"),
            date_to=data.get("date_to"),
            local_authority=self.authorities.get(data.get("local_authority") or ""),
        )


def spend_filter_for(request: HttpRequest) -> tuple[SpendFilterForm, SpendFilter | None]:
    """The programme spending page's filter form, for its downloads too (the user's first
    programme unless one is asked for), and the filter when the form is valid."""
    programmes = list(programmes_for(request.user))
    if not programmes:
        raise Http404("You do not work on a programme with a budget")
    data = request.GET if "programme" in request.GET else {"programme": programmes[0].code}
    form = SpendFilterForm(data, programmes=programmes)
    return form, form.spend_filter() if form.is_valid() else None
