"""The reading form: every point of the instrument, fast from the keyboard."""

from __future__ import annotations

from typing import Any

from django import forms

from pathways.assessments.models import Instrument
from pathways.core.forms import DateField


class ReadingForm(forms.Form):
    date = DateField(label="Date of the reading", what="the date of the reading")
    present = forms.CharField(
        label="Who was there (optional)",
        max_length=200,
        required=False,
        help_text="For example, Riley and their partner",
    )

    def __init__(
        self, *args: Any, instrument: Instrument, amending: bool = False, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.instrument = instrument
        if amending:
            self.fields["reason"] = forms.CharField(
                label="Why are you correcting this reading?",
                max_length=500,
                error_messages={"required": "Enter the reason for the correction"},
            )
        self.points = list(instrument.points.all())
        for point in self.points:
            scale = f"{point.scale_min} to {point.scale_max}"
            self.fields[f"worker_{point.code}"] = forms.IntegerField(
                label=f"{point.name}: score",
                required=False,
                help_text=f"Agreed score, {scale}"
                if point.kind == "scale"
                else "1 for yes, 0 for no",
                error_messages={
                    "invalid": f"Enter the score for {point.name} as a number, {scale}"
                },
            )
            self.fields[f"participant_{point.code}"] = forms.IntegerField(
                label=f"{point.name}: participant's own score, if different (optional)",
                required=False,
                error_messages={"invalid": f"Enter {point.name} as a number, {scale}"},
            )

    def rows(self) -> list[tuple[Any, Any, Any]]:
        return [(p, self[f"worker_{p.code}"], self[f"participant_{p.code}"]) for p in self.points]

    def scores(self) -> dict[str, tuple[int | None, int | None]]:
        data = self.cleaned_data
        return {
            p.code: (data.get(f"worker_{p.code}"), data.get(f"participant_{p.code}"))
            for p in self.points
            if data.get(f"worker_{p.code}") is not None
            or data.get(f"participant_{p.code}") is not None
        }

    def add_problems(self, problems: dict[str, str]) -> None:
        for key, message in problems.items():
            name = f"worker_{key}" if f"worker_{key}" in self.fields else key
            self.add_error(name if name in self.fields else None, message)
