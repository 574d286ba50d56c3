"""Forms for work, evidence, the outcomes list and claims. The services have the last word."""

from __future__ import annotations

from typing import Any

from django import forms

from pathways.core.forms import DateField
from pathways.outcomes.models import Evidence, Outcome

HOURS = {
    "required": "Enter the hours a week",
    "invalid": "Enter the hours a week as a number, like 16 or 22.5",
    "max_decimal_places": "Enter the hours to two decimal places at most",
    "max_digits": "Enter the hours a week, at most 168",
}


class SpellForm(forms.Form):
    employer = forms.CharField(max_length=200, required=False)
    job_title = forms.CharField(max_length=200, required=False, label="Job title")
    start_date = DateField(what="the first day of work", label="First day of work")
    end_date = DateField(
        what="the last day of work",
        required=False,
        label="Last day of work",
        help_text="Leave empty while they are still in this work",
    )
    hours_per_week = forms.DecimalField(
        label="Hours a week",
        max_digits=5,
        decimal_places=2,
        help_text="Contracted or usual hours. If the hours change, record the change on the spell.",
        error_messages=HOURS,
    )
    self_employed = forms.BooleanField(required=False, label="Self-employed")
    evidence = forms.ChoiceField(
        label="Evidence held",
        required=False,
        choices=[("", "None yet"), *Evidence.choices],
    )


class HoursForm(forms.Form):
    from_date = DateField(what="the day the hours changed", label="Hours changed from")
    hours_per_week = forms.DecimalField(
        label="New hours a week", max_digits=5, decimal_places=2, error_messages=HOURS
    )


class EvidenceForm(forms.Form):
    """The evidence for one outcome: only the kinds that fit it (Outcome.evidence_choices)."""

    evidence = forms.ChoiceField(
        label="Evidence seen or held",
        widget=forms.RadioSelect,
        error_messages={
            "required": "Choose the evidence seen or held",
            "invalid_choice": "Choose the evidence seen or held from the list",
        },
    )
    note = forms.CharField(
        label="Note (optional)",
        max_length=500,
        required=False,
        help_text="For example, which payslips or which readings. Do not write anything the "
        "person has not agreed to share.",
    )

    def __init__(self, *args: Any, outcome: Outcome, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["evidence"].choices = outcome.evidence_choices()


class OutcomeFilterForm(forms.Form):
    programme = forms.ChoiceField(label="Programme")
    kind = forms.ChoiceField(
        label="Outcome", required=False, choices=[("", "All"), *Outcome.Kind.choices]
    )
    status = forms.ChoiceField(
        label="Status", required=False, choices=[("", "All"), *Outcome.Status.choices]
    )
    local_authority = forms.ChoiceField(label="Local authority", required=False)
    advocate = forms.ChoiceField(label="Advocate", required=False)
    date_from = DateField(what="the start of the period", required=False, label="Achieved from")
    date_to = DateField(what="the end of the period", required=False, label="Achieved to")

    def __init__(
        self, *args: Any, programmes: list[Any], advocates: list[Any], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.programmes = {p.code: p for p in programmes}
        self.fields["programme"].choices = [(p.code, p.name) for p in programmes]
        authorities = {la.code: la.name for p in programmes for la in p.local_authorities.all()}
        self.fields["local_authority"].choices = [("", "All")] + sorted(
            authorities.items(), key=lambda choice: choice[1]
        )
        self.fields["advocate"].choices = [("", "All")] + [
            (str(user.pk), user.get_full_name() or user.username) for user in advocates
        ]

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and end < start:
            self.add_error("date_to", "The end of the period must be on or after its start")
        return data


class ClaimForm(forms.Form):
    programme = forms.ChoiceField(label="Programme")
    funder = forms.CharField(max_length=200, error_messages={"required": "Enter the funder"})
    start = DateField(what="the start of the claim period", label="Period from")
    end = DateField(what="the end of the claim period", label="Period to")

    def __init__(self, *args: Any, programmes: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.programmes = {p.code: p for p in programmes}
        self.fields["programme"].choices = [(p.code, p.name) for p in programmes]

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("programme") in self.programmes:
            data["programme"] = self.programmes[data["programme"]]
        if data.get("start") and data.get("end") and data["end"] < data["start"]:
            self.add_error("end", "The end of the period must be on or after its start")
        return data


class PaidForm(forms.Form):
    paid_on = DateField(what="the day it was paid", label="Paid on")
