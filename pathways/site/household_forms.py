"""The form to record a contact with a household, from its record."""

from __future__ import annotations

from django import forms

from pathways.casework.models import Contact
from pathways.core.forms import DateField


class ContactForm(forms.Form):
    date = DateField(label="Date of the contact", what="the date of the contact")
    method = forms.ChoiceField(
        label="How",
        choices=Contact.Method.choices,
        error_messages={"required": "Choose how you were in contact"},
    )
    notes = forms.CharField(
        label="Notes (optional)", widget=forms.Textarea(attrs={"rows": 4}), required=False
    )
    sensitive = forms.BooleanField(
        label="This note is sensitive (advocate and managers only)", required=False
    )
