from __future__ import annotations

from django import forms

TARGET_TYPES = [
    ("", "Any record"),
    ("households.household", "Household"),
    ("households.person", "Person"),
    ("programmes.programme", "Programme"),
    ("accounts.user", "User account"),
]


class AuditSearchForm(forms.Form):
    actor = forms.CharField(label="Who (username)", required=False, max_length=150)
    verb = forms.CharField(
        label="What happened",
        required=False,
        max_length=60,
        help_text="For example, household.viewed",
    )
    target_type = forms.ChoiceField(label="Type of record", required=False, choices=TARGET_TYPES)
    target_id = forms.CharField(label="Record number", required=False, max_length=60)
    date_from = forms.DateField(
        label="From",
        required=False,
        help_text="For example, 2026-11-01",
        error_messages={"invalid": "Enter the from date as a date, like 2026-11-01"},
    )
    date_to = forms.DateField(
        label="To",
        required=False,
        help_text="For example, 2026-11-30",
        error_messages={"invalid": "Enter the to date as a date, like 2026-11-30"},
    )

    def clean(self) -> dict:
        data = super().clean()
        if data.get("date_from") and data.get("date_to") and data["date_to"] < data["date_from"]:
            self.add_error("date_to", "The to date must be the same as or after the from date")
        return data
