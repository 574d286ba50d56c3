"""Passwords: argon2, 12 characters or more, not a common password, no composition rules."""

from __future__ import annotations

import pytest
from django.contrib.auth.hashers import make_password
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.test import override_settings

from pathways import settings as real_settings


@override_settings(PASSWORD_HASHERS=real_settings.PASSWORD_HASHERS)
def test_passwords_are_hashed_with_argon2() -> None:
    assert make_password("a long enough passphrase").startswith("argon2")


@pytest.mark.parametrize("password", ["short pass", "password1234", "123456789012"])
def test_weak_passwords_are_refused(password: str) -> None:
    with pytest.raises(ValidationError):
        validate_password(password)


def test_a_long_passphrase_of_lower_case_words_is_fine() -> None:
    validate_password("kettle orbit lantern")  # no rule demands digits or symbols
