"""Editing a programme's settings; the definition validator has the last word."""

from __future__ import annotations

import json
import re
from typing import Any

from django import forms

from pathways.areas.models import LocalAuthority
from pathways.programmes.definition import (
    BUDGET_CATEGORIES,
    MEASURE_DEFAULTS,
    MEASURE_LABELS,
    MEASURE_MINIMUMS,
    DefinitionError,
    clean_definition,
)
from pathways.programmes.models import Programme

# Which form field shows a problem with a definition field (by the path's first part).
FIELD_FOR_PATH = {
    "local_authorities": "local_authorities",
    "budget_per_household": "budget_per_household",
    "budget_rules.approval_threshold": "budget_approval_threshold",
    "budget_rules.categories": "budget_categories",
    "budget_rules.category_caps": "budget_category_caps",
    "budget_rules.item_cap": "budget_item_cap",
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
    retention_years = forms.IntegerField(
        label="Years to keep records after a household leaves",
        help_text="Then names, contact details, dates of birth and notes are removed; "
        "the figures stay in the reports",
        min_value=1,
        max_value=100,
    )
    budget_per_household = forms.DecimalField(
        label="Household Support Budget per household (£)",
        min_value=0,
        max_digits=9,
        decimal_places=2,
        error_messages={"max_decimal_places": "Enter the budget in pounds and pence, like 1000.00"},
    )
    budget_approval_threshold = forms.DecimalField(
        label="Approval needed above (£)",
        help_text="Requests above this wait for a team manager's approval",
        min_value=0,
        max_digits=9,
        decimal_places=2,
        error_messages={
            "required": "Enter the amount above which a manager must approve, like 250.00",
            "max_decimal_places": "Enter the amount in pounds and pence, like 250.00",
        },
    )
    budget_categories = forms.MultipleChoiceField(
        label="What the budget pays for",
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Select at least one kind of cost the budget pays for"},
    )
    budget_category_caps = forms.CharField(
        label="Caps per kind of cost (optional)",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="One a line: category, most a household may spend. For example: travel, 300.00",
    )
    budget_item_cap = forms.DecimalField(
        label="Most for one item (£, optional)",
        required=False,
        min_value=0,
        max_digits=9,
        decimal_places=2,
        error_messages={"max_decimal_places": "Enter the amount in pounds and pence, like 500.00"},
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
        self.fields["budget_categories"].choices = list(BUDGET_CATEGORIES.items())
        for key in MEASURE_DEFAULTS:
            self.fields[f"measure_{key}"] = forms.IntegerField(
                label=MEASURE_LABELS[key], min_value=MEASURE_MINIMUMS.get(key, 1), max_value=3650
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
                "retention_years",
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
        rules = definition["budget_rules"]
        initial["budget_approval_threshold"] = rules["approval_threshold"]
        initial["budget_categories"] = rules["categories"]
        initial["budget_category_caps"] = "\n".join(
            f"{category}, {amount}" for category, amount in rules["category_caps"].items()
        )
        initial["budget_item_cap"] = rules["item_cap"]
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
            "retention_years": data["retention_years"],
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
            "budget_rules": {
                "approval_threshold": str(data["budget_approval_threshold"]),
                "categories": data["budget_categories"],
                "category_caps": {
                    row[0]: row[1] if len(row) > 1 else ""
                    for row in _lines(data["budget_category_caps"])
                },
                "item_cap": str(data["budget_item_cap"])
                if data["budget_item_cap"] is not None
                else None,
            },
        }
        known = set(LocalAuthority.objects.values_list("code", flat=True))
        try:
            self.definition = clean_definition(definition, known_local_authorities=known)
        except DefinitionError as error:
            for path, reason in error.problems:
                self.add_error(self._field_for(path), self._message(path, reason))
        return data

    def _field_for(self, path: str) -> str:
        for prefix, field in FIELD_FOR_PATH.items():
            if path.startswith(prefix):
                return field
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
        if path.startswith("budget_rules.category_caps."):
            return f"{path.rsplit('.', 1)[1]}: {reason}"
        if path.startswith("budget_rules."):
            return f"This {reason}" if reason.startswith(("must", "is")) else reason.capitalize()
        return (
            f"{path.replace('_', ' ').capitalize()} {reason}"
            if "." not in path and "[" not in path
            else f"{path}: {reason}"
        )
