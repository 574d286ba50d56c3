"""Editing a programme's settings; the definition validator has the last word."""

from __future__ import annotations

import json
import re
from typing import Any

from django import forms

from pathways.areas.models import LocalAuthority
from pathways.programmes.definition import (
    MEASURE_DEFAULTS,
    MEASURE_LABELS,
    DefinitionError,
    clean_definition,
)
from pathways.programmes.models import Programme

# Which form field shows a problem with a definition field (by the path's first part).
FIELD_FOR_PATH = {
    "local_authorities": "local_authorities",
    "budget_per_household": "budget_per_household",
}


def _lines(text: str) -> list[list[str]]:
    return [
        [cell.strip() for cell in line.split(",")] for line in text.splitlines() if line.strip()
    ]


class ProgrammeForm(forms.Form):
    name = forms.CharField(
        max_length=200, error_messages={"required": "Enter the programme's name"}
    )
    description = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), required=False)
    funder = forms.CharField(max_length=200, required=False)
    start_date = forms.DateField(
        help_text="For example, 2018-02-01",
        error_messages={
            "required": "Enter the start date",
            "invalid": "Enter the start date as a date, like 2018-02-01",
        },
    )
    end_date = forms.DateField(
        required=False,
        help_text="Leave empty if the programme has no set end",
        error_messages={"invalid": "Enter the end date as a date, like 2020-03-31"},
    )
    support_months = forms.IntegerField(
        label="Length of support in months", min_value=1, max_value=60
    )
    budget_per_household = forms.DecimalField(
        label="Household Support Budget per household (£)",
        min_value=0,
        max_digits=9,
        decimal_places=2,
        error_messages={"max_decimal_places": "Enter the budget in pounds and pence, like 1000.00"},
    )
    instrument = forms.CharField(label="Assessment instrument code", max_length=60)
    privacy_notice_version = forms.CharField(
        label="Privacy notice version",
        max_length=40,
        help_text="Recorded with each person's consent. Change it when the notice changes.",
    )
    local_authorities = forms.MultipleChoiceField(
        label="Local authorities",
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Select at least one local authority"},
    )
    lsoas = forms.CharField(
        label="Lower Super Output Areas (optional)",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="LSOA codes separated by commas or new lines, like E01006512. Leave empty for the whole of each local authority.",
    )
    eligibility = forms.CharField(
        label="Eligibility rule",
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text='As JSON, for example {"unit": "household", "conditions": [{"kind": "resident_in_area"}]}',
    )
    targets = forms.CharField(
        label="Targets",
        required=False,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text="One a line: measure, value, date, label (optional). For example: started, 800, 2019-03-31",
    )
    outcome_payments = forms.CharField(
        label="Outcome payments",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="One a line: outcome, amount, payee. For example: sustained_13, 500.00, participant",
    )
    reason = forms.CharField(
        label="Reason for the change",
        max_length=500,
        help_text="Kept with this version of the programme's settings",
        error_messages={"required": "Enter the reason for the change"},
    )

    def __init__(self, *args: Any, programme: Programme, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.programme = programme
        self.fields["local_authorities"].choices = [
            (la.code, la.name) for la in LocalAuthority.objects.order_by("name")
        ]
        for key in MEASURE_DEFAULTS:
            self.fields[f"measure_{key}"] = forms.IntegerField(
                label=MEASURE_LABELS[key], min_value=1, max_value=3650
            )
        self.definition: dict = {}

    @classmethod
    def initial_for(cls, programme: Programme) -> dict[str, Any]:
        definition = programme.definition()
        initial = {
            key: definition[key]
            for key in (
                "name",
                "description",
                "funder",
                "start_date",
                "end_date",
                "support_months",
                "budget_per_household",
                "instrument",
                "privacy_notice_version",
                "local_authorities",
            )
        }
        initial["lsoas"] = ", ".join(definition["lsoas"])
        initial["eligibility"] = json.dumps(definition["eligibility"], indent=2)
        initial["targets"] = "\n".join(
            ", ".join(str(t[k]) for k in ("measure", "value", "by"))
            + (f", {t['label']}" if t.get("label") else "")
            for t in definition["targets"]
        )
        initial["outcome_payments"] = "\n".join(
            f"{p['outcome']}, {p['amount']}, {p['payee']}" for p in definition["outcome_payments"]
        )
        for key, value in definition["measures"].items():
            initial[f"measure_{key}"] = value
        return initial

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if self.errors:
            return data
        try:
            eligibility = json.loads(data["eligibility"])
        except json.JSONDecodeError as error:
            self.add_error(
                "eligibility",
                f"The eligibility rule is not valid JSON: {error.msg} on line {error.lineno}",
            )
            return data
        targets = [
            dict(zip(("measure", "value", "by", "label"), row, strict=False))
            for row in _lines(data["targets"])
        ]
        payments = [
            dict(zip(("outcome", "amount", "payee"), row, strict=False))
            for row in _lines(data["outcome_payments"])
        ]
        definition = {
            "code": self.programme.code,
            "name": data["name"],
            "description": data["description"],
            "funder": data["funder"],
            "start_date": data["start_date"],
            "end_date": data["end_date"],
            "support_months": data["support_months"],
            "budget_per_household": str(data["budget_per_household"]),
            "instrument": data["instrument"],
            "privacy_notice_version": data["privacy_notice_version"],
            "local_authorities": data["local_authorities"],
            "lsoas": [code for code in re.split(r"[\s,]+", data["lsoas"]) if code],
            "eligibility": eligibility,
            "measures": {key: data[f"measure_{key}"] for key in MEASURE_DEFAULTS},
            "targets": targets,
            "outcome_payments": payments,
            "disclosure": self.programme.disclosure or {"rule": "ons-10-5"},
            "budget_rules": self.programme.budget_rules or None,
        }
        known = set(LocalAuthority.objects.values_list("code", flat=True))
        try:
            self.definition = clean_definition(definition, known_local_authorities=known)
        except DefinitionError as error:
            for path, reason in error.problems:
                self.add_error(self._field_for(path), self._message(path, reason))
        return data

    def _field_for(self, path: str) -> str:
        head = re.split(r"[.\[]", path, maxsplit=1)[0]
        if head == "measures":
            return f"measure_{path.split('.', 1)[1]}" if "." in path else "eligibility"
        return head if head in self.fields else "name"

    @staticmethod
    def _message(path: str, reason: str) -> str:
        match = re.match(r"^(targets|outcome_payments)\[(\d+)\]\.?(\w*)", path)
        if match:
            what = f" {match.group(3)}" if match.group(3) else ""
            return f"Line {int(match.group(2)) + 1}:{what} {reason}"
        return (
            f"{path.replace('_', ' ').capitalize()} {reason}"
            if "." not in path and "[" not in path
            else f"{path}: {reason}"
        )
