"""Passwords: argon2, 12 to 128 characters, not a common or (when configured) breached
password, no composition rules."""

from __future__ import annotations

import hashlib
import http.server
import logging
import threading
from collections.abc import Iterator

import pytest
from django.contrib.auth.hashers import make_password
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.test import override_settings

from pathways import settings as real_settings
from pathways.accounts.services import set_up_path
from pathways.accounts.tests.factories import PASSWORD, UserFactory
from pathways.audit.models import AuditEvent
from pathways.core.roles import Role

BREACHED = "correct horse battery staple 2019"


@override_settings(PASSWORD_HASHERS=real_settings.PASSWORD_HASHERS)
def test_passwords_are_hashed_with_argon2() -> None:
    assert make_password("a long enough passphrase").startswith("argon2")


@pytest.mark.parametrize("password", ["short pass", "password1234", "123456789012"])
def test_weak_passwords_are_refused(password: str) -> None:
    with pytest.raises(ValidationError):
        validate_password(password)


def test_a_long_passphrase_of_lower_case_words_is_fine() -> None:
    validate_password("kettle orbit lantern")  # no rule demands digits or symbols


def test_a_password_longer_than_128_characters_cannot_be_chosen(client, db) -> None:
    user = UserFactory(username="kay", role=Role.ADVOCATE)
    path = set_up_path(user)
    longest = "kettle orbit " * 9 + "lantern sun"
    too_long = longest + "s"
    assert (len(longest), len(too_long)) == (128, 129)
    response = client.post(path, {"new_password1": too_long, "new_password2": too_long})
    assert "This password is too long. Choose one of 128 characters or fewer" in (
        response.content.decode()
    )
    response = client.post(path, {"new_password1": longest, "new_password2": longest})
    assert response.status_code == 302


def test_a_megabyte_password_is_refused_at_sign_in_before_it_is_checked(client, db) -> None:
    UserFactory(username="kay", role=Role.ADVOCATE)
    response = client.post(
        "/account/sign-in/", {"username": "kay", "password": PASSWORD + "x" * 1_000_000}
    )
    assert response.status_code == 200
    assert "Passwords are 128 characters or fewer" in response.content.decode()
    # Never hashed and compared, so not a failed sign-in either.
    assert not AuditEvent.objects.filter(verb="user.sign_in_failed").exists()


def sha1(text: str) -> str:
    return hashlib.sha1(text.encode(), usedforsecurity=False).hexdigest().upper()


class RangeAPI(http.server.BaseHTTPRequestHandler):
    """A stand-in for the Have I Been Pwned range API that knows one breached password."""

    asked: list[str] = []

    def do_GET(self) -> None:
        self.asked.append(self.path)
        digest = sha1(BREACHED)
        lines = ["0018A45C4D1DEF81644B54AB7F969B88D65:0"]  # padding
        if self.path == f"/range/{digest[:5]}":
            lines.append(f"{digest[5:]}:42")
        body = "\r\n".join(lines).encode()
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def range_api() -> Iterator[str]:
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), RangeAPI)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    RangeAPI.asked = []
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    server.server_close()


def test_a_breached_password_is_refused_when_a_range_api_is_set(settings, range_api) -> None:
    settings.PWNED_PASSWORDS_URL = range_api
    with pytest.raises(ValidationError, match="appeared in a data breach"):
        validate_password(BREACHED)
    validate_password("kettle orbit lantern")
    # Only the first five characters of each password's SHA-1 were sent.
    assert [len(path) for path in RangeAPI.asked] == [len("/range/") + 5] * 2
    assert RangeAPI.asked[0] == f"/range/{sha1(BREACHED)[:5]}"


def test_an_unreachable_range_api_lets_the_password_through_and_says_so(settings, caplog) -> None:
    settings.PWNED_PASSWORDS_URL = "http://127.0.0.1:9"  # nothing listens on the discard port
    with caplog.at_level(logging.WARNING, logger="pathways.accounts.passwords"):
        validate_password(BREACHED)
    assert "could not reach http://127.0.0.1:9" in caplog.text


def test_without_a_range_api_no_password_leaves_the_machine(settings, range_api) -> None:
    assert settings.PWNED_PASSWORDS_URL == ""
    validate_password(BREACHED)
    assert RangeAPI.asked == []
