"""The evaluation extract page's form: which programme, for which evaluation project."""

from __future__ import annotations

from typing import Any

from django import forms

from pathways.privacy.pseudonyms import ProjectNameError, project_name


class ExtractForm(forms.Form):
    programme = forms.ChoiceField(
        label="Programme", error_messages={"required": "Choose the programme"}
    )
    project = forms.CharField(
        label="Evaluation project",
        max_length=60,
        help_text=(
            "The name of your evaluation or data sharing agreement, for example "
            "hiw-impact-2026. Every extract for the same name has the same pseudonyms, so its "
            "waves link; another name gives different ones."
        ),
        error_messages={"required": "Give the evaluation project's name"},
    )

    def __init__(self, *args: Any, programmes: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.programmes = {p.code: p for p in programmes}
        self.fields["programme"].choices = [(p.code, p.name) for p in programmes]
        if len(programmes) == 1:
            self.fields["programme"].initial = programmes[0].code

    def clean_programme(self) -> Any:
        return self.programmes[self.cleaned_data["programme"]]

    def clean_project(self) -> str:
        try:
            return project_name(self.cleaned_data["project"])
        except ProjectNameError as error:
            raise forms.ValidationError(str(error)) from error
