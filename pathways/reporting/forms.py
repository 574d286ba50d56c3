"""The report filters: programme, report date, period and local authority for everyone who may
count; team, advocate and subgroup only for those who see exact figures (managers)."""

from __future__ import annotations

from typing import Any

from django import forms

from pathways.areas.models import Neighbourhood
from pathways.core.forms import DateField
from pathways.households.codes import AgeBand, Gender, SupportNeed


class ReportFilterForm(forms.Form):
    programme = forms.ChoiceField(label="Programme")
    date_to = DateField(what="the report date", required=False, label="As at")
    date_from = DateField(what="the start of the trend", required=False, label="Monthly trend from")
    local_authority = forms.ChoiceField(label="Local authority", required=False)
    neighbourhood = forms.ChoiceField(label="Neighbourhood", required=False)
    # Managers only: a narrower slice, or a preview of the published figures.
    team = forms.ChoiceField(label="Team", required=False)
    advocate = forms.ChoiceField(label="Advocate", required=False)
    published = forms.BooleanField(
        label="Show published figures (disclosure control)", required=False
    )
    gender = forms.ChoiceField(label="Gender", required=False)
    age_band = forms.ChoiceField(label="Age band", required=False)
    support_need = forms.ChoiceField(label="Support need", required=False)

    # A neighbourhood is any group of LSOAs a manager makes: two of them could be differenced
    # to bring back a withheld cell, so published readers do not get them.
    EXACT_ONLY = (
        "team",
        "advocate",
        "published",
        "gender",
        "age_band",
        "support_need",
        "neighbourhood",
    )

    def __init__(
        self,
        *args: Any,
        programmes: list[Any],
        advocates: list[Any],
        exact: bool,
        subgroups: bool = False,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.programmes = {p.code: p for p in programmes}
        self.fields["programme"].choices = [(p.code, p.name) for p in programmes]
        areas = {la.code: la for p in programmes for la in p.local_authorities.all()}
        self.areas = areas
        self.fields["local_authority"].choices = [("", "All")] + sorted(
            ((code, la.name) for code, la in areas.items()), key=lambda choice: choice[1]
        )
        self.neighbourhoods = {h.code: h for h in Neighbourhood.objects.order_by("name")}
        self.fields["neighbourhood"].choices = [("", "All")] + [
            (code, hood.name) for code, hood in self.neighbourhoods.items()
        ]
        self.advocates = {str(user.pk): user for user in advocates}
        self.fields["advocate"].choices = [("", "All")] + [
            (pk, user.get_full_name() or user.username) for pk, user in self.advocates.items()
        ]
        teams = {str(user.team_id): user.team for user in advocates if user.team_id}
        self.teams = teams
        self.fields["team"].choices = [("", "All")] + sorted(
            ((pk, str(team)) for pk, team in teams.items()), key=lambda choice: choice[1]
        )
        self.fields["gender"].choices = [("", "All"), *Gender.choices]
        self.fields["age_band"].choices = [("", "All"), *AgeBand.choices]
        self.fields["support_need"].choices = [("", "All"), *SupportNeed.choices]
        # Funders and evaluators: programme, date and area alone, so no two of their views
        # can be differenced to bring back a withheld cell.
        drop = list(self.EXACT_ONLY) if not exact else []
        if not subgroups:
            drop += ["gender", "age_band", "support_need"]
        for name in set(drop):
            del self.fields[name]

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and end < start:
            self.add_error("date_from", "The trend must start on or before the report date")
        return data
