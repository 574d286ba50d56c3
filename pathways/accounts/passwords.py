"""Password rules beyond Django's own: a maximum length, and (when configured) a check against
a breached-password list (ASVS 4.0 2.1.2 and 2.1.7).

The breached-password check asks a Have I Been Pwned range API (or a copy run in-house) by
k-anonymity: only the first five characters of the password's SHA-1 leave the machine, and the
answer lists every breached hash that starts with them. If the service cannot be reached the
password is let through (the other rules still stand, including Django's list of common
passwords, which works offline) and a warning is logged.
"""

from __future__ import annotations

import hashlib
import logging
import urllib.error
import urllib.request

from django.conf import settings
from django.core.exceptions import ValidationError

from pathways.accounts.models import User

logger = logging.getLogger(__name__)

PWNED_TIMEOUT_SECONDS = 3


def too_long(password: str) -> bool:
    """Longer than any password may be: refused before it is hashed."""
    return len(password) > settings.PASSWORD_MAX_LENGTH


class MaximumLengthValidator:
    """No more than PASSWORD_MAX_LENGTH characters (128 unless configured)."""

    def validate(self, password: str, user: User = None) -> None:
        if too_long(password):
            raise ValidationError(
                f"This password is too long. Choose one of {settings.PASSWORD_MAX_LENGTH} "
                "characters or fewer",
                code="password_too_long",
            )

    def get_help_text(self) -> str:
        return f"Your password can be up to {settings.PASSWORD_MAX_LENGTH} characters long."


def breach_count(password: str, url: str) -> int | None:
    """How often the password appears in the breaches the range API at `url` knows of, or None
    when it could not be asked."""
    digest = hashlib.sha1(password.encode(), usedforsecurity=False).hexdigest().upper()
    prefix, suffix = digest[:5], digest[5:]
    request = urllib.request.Request(  # noqa: S310 - an http(s) URL from the settings (env_url)
        f"{url}/range/{prefix}",
        headers={"Add-Padding": "true", "User-Agent": "Pathways password check"},
    )
    try:
        with urllib.request.urlopen(request, timeout=PWNED_TIMEOUT_SECONDS) as response:  # noqa: S310
            body = response.read().decode("ascii", "replace")
    except (OSError, ValueError) as error:  # URLError, HTTPError and timeouts are OSErrors
        logger.warning(
            "The breached-password check could not reach %s (%s): the password was not "
            "checked against it",
            url,
            error,
        )
        return None
    for line in body.splitlines():
        found, _, count = line.strip().partition(":")
        if found == suffix:
            return int(count) if count.isdigit() else 1
    return 0


class BreachedPasswordValidator:
    """Refuse a password known from data breaches, when PATHWAYS_PWNED_PASSWORDS_URL is set."""

    def validate(self, password: str, user: User = None) -> None:
        url = settings.PWNED_PASSWORDS_URL
        if not url or too_long(password):
            return
        if breach_count(password, url):  # padding lines have a count of 0
            raise ValidationError(
                "This password has appeared in a data breach, so others may try it. "
                "Choose a different password",
                code="password_breached",
            )

    def get_help_text(self) -> str:
        return "Your password must not be one known from data breaches."
