"""Forms for a person's action plan."""

from __future__ import annotations

from typing import Any

from django import forms

from pathways.casework.models import Activity, Goal
from pathways.core.forms import DateField


def _point_choices(points: list[tuple[str, str]]) -> list[tuple[str, str]]:
    return [("", "None"), *points]


class GoalForm(forms.Form):
    description = forms.CharField(
        label="The goal", max_length=500, error_messages={"required": "Describe the goal"}
    )
    star_point = forms.ChoiceField(label="Star point it serves", required=False)
    agreed_date = DateField(label="Date agreed", what="the date agreed")

    def __init__(self, *args: Any, points: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["star_point"].choices = _point_choices(points)


class ActivityForm(forms.Form):
    activity_type = forms.ChoiceField(
        label="Kind of activity",
        choices=Activity.Type.choices,
        error_messages={"required": "Choose the kind of activity"},
    )
    title = forms.CharField(
        label="What it is",
        max_length=200,
        required=False,
        help_text="For example, Money management course at the library",
    )
    goal = forms.ModelChoiceField(
        queryset=Goal.objects.none(),
        label="Goal it serves (optional)",
        required=False,
        empty_label="None",
    )
    star_point = forms.ChoiceField(label="Star point it serves (optional)", required=False)
    hours = forms.DecimalField(
        label="Hours (optional)",
        required=False,
        min_value=0,
        max_value=2000,
        decimal_places=1,
        help_text="A course counts as a course of 5 hours or more only with its hours",
    )
    owner = forms.ChoiceField(label="Who does it", choices=Activity.Owner.choices)
    agreed_date = DateField(label="Date agreed", what="the date agreed")
    due_date = DateField(
        label="Date it is due (optional)", what="the date it is due", required=False
    )

    def __init__(
        self, *args: Any, points: list[tuple[str, str]], goals: Any, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["star_point"].choices = _point_choices(points)
        self.fields["goal"].queryset = goals


class ActivityStatusForm(forms.Form):
    status = forms.ChoiceField(label="Status", choices=Activity.Status.choices)
    completed_date = DateField(
        label="Date completed",
        what="the date completed",
        required=False,
        help_text="Only if it is completed",
    )
