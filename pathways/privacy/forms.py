from __future__ import annotations

from typing import Any

from django import forms

from pathways.core.forms import DateField
from pathways.privacy.models import LawfulBasis, Purpose, SpecialCondition
from pathways.privacy.pseudonyms import ProjectNameError, project_name


class RecordForm(forms.Form):
    purpose = forms.ChoiceField(
        label="Purpose",
        choices=Purpose.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose the purpose"},
    )
    lawful_basis = forms.ChoiceField(
        label="Lawful basis",
        choices=[("", "Choose the lawful basis"), *LawfulBasis.choices],
        error_messages={"required": "Choose the lawful basis"},
    )
    special_condition = forms.ChoiceField(
        label="Special category condition",
        choices=[("", "Choose the condition"), *SpecialCondition.choices],
        help_text="Needed where the data includes health, ethnicity, offending or other special category data",
        error_messages={"required": "Choose the special category condition"},
    )
    given_on = DateField(
        label="Date agreed or decided",
        what="the date it was agreed or decided",
        help_text="For example, 3 4 2026",
    )


class WithdrawForm(forms.Form):
    reason = forms.CharField(
        label="Why is it withdrawn?",
        max_length=500,
        help_text="For example, withdrew consent by phone on 3 May",
        error_messages={"required": "Say why: for example, withdrew consent by phone"},
    )


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


class SubjectAccessForm(forms.Form):
    received_on = DateField(
        label="Date the request was received",
        what="the date the request was received",
        help_text="By any means: letter, email, phone or in person. For example, 3 4 2026",
    )
