"""Sign-in and two-factor forms, with GOV.UK-style messages."""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.contrib.auth.forms import AuthenticationForm

from pathways.accounts.passwords import too_long


class SignInForm(AuthenticationForm):
    error_messages = {
        "invalid_login": "Enter a correct username and password. After 5 wrong attempts the "
        "account is locked for 30 minutes.",
        "inactive": "This account has been disabled. Ask your administrator.",
    }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["username"].error_messages["required"] = "Enter your username"
        self.fields["password"].error_messages["required"] = "Enter your password"

    def clean_username(self) -> str:
        """No username is longer than the field allows: refuse one before it is looked up
        (or recorded as a failed attempt) at all."""
        username = self.cleaned_data["username"]
        if len(username) > self.username_field.max_length:
            raise forms.ValidationError(self.error_messages["invalid_login"], code="invalid_login")
        return username

    def clean_password(self) -> str:
        """Nor is any password longer than the maximum: refused before it is hashed."""
        password = self.cleaned_data["password"]
        if too_long(password):
            raise forms.ValidationError(
                f"Passwords are {settings.PASSWORD_MAX_LENGTH} characters or fewer. "
                "Check what you entered",
                code="password_too_long",
            )
        return password


class CodeForm(forms.Form):
    """A six-digit code from an authenticator app."""

    code = forms.CharField(
        label="Code from your authenticator app",
        max_length=12,
        error_messages={"required": "Enter the 6-digit code from your authenticator app"},
    )

    def clean_code(self) -> str:
        code = self.cleaned_data["code"].replace(" ", "")
        if not (code.isdigit() and len(code) == 6):
            raise forms.ValidationError("Enter the code as 6 digits, like 123456")
        return code


class RecoveryCodeForm(forms.Form):
    code = forms.CharField(
        label="Recovery code",
        max_length=20,
        error_messages={"required": "Enter one of your recovery codes"},
    )
