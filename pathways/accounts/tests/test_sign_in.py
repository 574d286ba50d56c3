"""Signing in: password, then a code from the authenticator app; lockout; session limits."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.urls import reverse

from pathways.accounts.services import current_totp_code, set_user_active
from pathways.accounts.tests.factories import PASSWORD, UserFactory, give_authenticator
from pathways.audit.models import AuditEvent
from pathways.conftest import sign_in
from pathways.core.roles import Role

SIGN_IN = "/account/sign-in/"


@pytest.fixture
def advocate(db):
    user = UserFactory(username="kay", role=Role.ADVOCATE)
    give_authenticator(user)
    return user


def password_step(client, username="kay", password=PASSWORD):
    return client.post(SIGN_IN, {"username": username, "password": password})


def code_step(client, user, code=None):
    device = user.totpdevice_set.get(confirmed=True)
    return client.post(
        reverse("accounts:two-factor-verify"), {"code": code or current_totp_code(device)}
    )


def test_password_then_code_reaches_the_start_page(client, advocate) -> None:
    assert password_step(client).status_code == 302
    # The password alone is not enough: every page sends the user to the code step.
    assert client.get("/")["Location"] == reverse("accounts:two-factor")
    assert client.get(reverse("accounts:two-factor"))["Location"] == reverse(
        "accounts:two-factor-verify"
    )
    response = code_step(client, advocate)
    assert response["Location"] == "/"
    page = client.get("/")
    assert page.status_code == 200
    assert "Your caseload" in page.content.decode()


def test_a_wrong_code_is_refused_with_a_message(client, advocate) -> None:
    password_step(client)
    response = code_step(
        client,
        advocate,
        code="000000" if current_totp_code(advocate.totpdevice_set.get()) != "000000" else "111111",
    )
    assert response.status_code == 200
    assert "The code is not right" in response.content.decode()
    assert client.get("/").status_code == 302


def test_a_code_that_is_not_six_digits_gets_a_clear_message(client, advocate) -> None:
    password_step(client)
    response = client.post(reverse("accounts:two-factor-verify"), {"code": "12ab"})
    assert "Enter the code as 6 digits" in response.content.decode()


def test_the_session_id_changes_at_sign_in(client, advocate) -> None:
    client.get(SIGN_IN)
    client.session["probe"] = 1
    session = client.session
    session["probe"] = 1
    session.save()
    before = client.cookies["sessionid"].value
    password_step(client)
    assert client.cookies["sessionid"].value != before


def test_five_wrong_passwords_lock_the_account_for_thirty_minutes(client, advocate) -> None:
    start = dt.datetime(2026, 11, 2, 9, 0, tzinfo=dt.UTC)
    with time_machine.travel(start, tick=False):
        for _ in range(5):
            response = password_step(client, password="wrong password!")
        # Locked: even the right password is refused now.
        response = password_step(client)
        assert response.status_code == 429
        assert "Your account is locked" in response.content.decode()
    with time_machine.travel(start + dt.timedelta(minutes=29), tick=False):
        assert password_step(client).status_code == 429
    with time_machine.travel(start + dt.timedelta(minutes=31), tick=False):
        response = password_step(client)
        assert response.status_code == 302


def test_a_lockout_affects_only_that_account(client, advocate) -> None:
    UserFactory(username="colleague", role=Role.ADVOCATE)
    for _ in range(5):
        password_step(client, password="wrong password!")
    assert password_step(client, username="colleague").status_code == 302


def test_sessions_end_after_thirty_minutes_idle(client, advocate, settings) -> None:
    sign_in(client, advocate)
    assert settings.SESSION_COOKIE_AGE == 30 * 60
    assert settings.SESSION_SAVE_EVERY_REQUEST
    start = dt.datetime.now(tz=dt.UTC)
    with time_machine.travel(start + dt.timedelta(minutes=20)):
        assert client.get("/").status_code == 200  # activity renews the idle timer
    with time_machine.travel(start + dt.timedelta(minutes=45)):
        assert client.get("/").status_code == 200  # 25 minutes after the last request
    with time_machine.travel(start + dt.timedelta(minutes=80)):
        assert client.get("/")["Location"].startswith(SIGN_IN)


def test_sessions_end_twelve_hours_after_sign_in_however_active(client, advocate) -> None:
    start = dt.datetime.now(tz=dt.UTC)
    with time_machine.travel(start):
        sign_in(client, advocate)
    minutes = 0
    while minutes < 12 * 60 - 20:
        minutes += 20
        with time_machine.travel(start + dt.timedelta(minutes=minutes)):
            assert client.get("/").status_code == 200
    with time_machine.travel(start + dt.timedelta(hours=12, minutes=5)):
        response = client.get("/")
        assert response["Location"].startswith(SIGN_IN)


def test_signing_out_ends_the_session(client, advocate) -> None:
    sign_in(client, advocate)
    response = client.post(reverse("accounts:sign-out"))
    assert response["Location"] == reverse("accounts:signed-out")
    assert client.get("/")["Location"].startswith(SIGN_IN)
    assert AuditEvent.objects.filter(verb="user.signed_out", actor=advocate).exists()


def test_disabling_a_user_ends_their_session_at_once(client, advocate) -> None:
    sign_in(client, advocate)
    assert client.get("/").status_code == 200
    set_user_active(user=advocate, active=False, actor=None)
    assert client.get("/")["Location"].startswith(SIGN_IN)
    assert password_step(client).status_code == 200  # and they cannot sign in again


def test_signing_out_needs_a_post(client, advocate) -> None:
    sign_in(client, advocate)
    assert client.get(reverse("accounts:sign-out")).status_code == 405
