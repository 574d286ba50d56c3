from __future__ import annotations

from django import forms

from pathways.core.forms import DateField
from pathways.privacy.models import LawfulBasis, Purpose, SpecialCondition


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


class SubjectAccessForm(forms.Form):
    received_on = DateField(
        label="Date the request was received",
        what="the date the request was received",
        help_text="By any means: letter, email, phone or in person. For example, 3 4 2026",
    )
