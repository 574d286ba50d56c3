"""The two-factor step: a new session id once the code is accepted, and a wait after too many
wrong codes (authenticator or recovery), per account and per address."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.test import Client
from django.urls import reverse

from pathways.accounts.services import current_totp_code, issue_recovery_codes
from pathways.accounts.tests.factories import PASSWORD, UserFactory, give_authenticator
from pathways.audit.models import AuditEvent
from pathways.core.roles import Role

ADDRESS, ELSEWHERE = "198.51.100.7", "203.0.113.66"
START = dt.datetime(2026, 11, 2, 9, 0, tzinfo=dt.UTC)
VERIFY, RECOVERY = reverse("accounts:two-factor-verify"), reverse("accounts:two-factor-recovery")


@pytest.fixture
def advocate(db):
    user = UserFactory(username="kay", role=Role.ADVOCATE)
    give_authenticator(user)
    return user


def after_password(user, address=ADDRESS) -> Client:
    client = Client(REMOTE_ADDR=address)
    response = client.post(
        reverse("accounts:sign-in"), {"username": user.username, "password": PASSWORD}
    )
    assert response.status_code == 302
    return client


def right_code(user) -> str:
    return current_totp_code(user.totpdevice_set.get(confirmed=True))


def wrong_code(user) -> str:
    return f"{(int(right_code(user)) + 500_000) % 1_000_000:06d}"


def signed_out_with(old_key: str) -> bool:
    stale = Client()
    stale.cookies["sessionid"] = old_key
    return stale.get("/")["Location"].startswith(reverse("accounts:sign-in"))


def test_the_session_id_is_renewed_when_the_code_is_accepted(advocate) -> None:
    client = after_password(advocate)
    before = client.cookies["sessionid"].value
    assert client.post(VERIFY, {"code": right_code(advocate)})["Location"] == "/"
    assert client.cookies["sessionid"].value != before
    assert client.get("/").status_code == 200
    assert signed_out_with(before)  # the key from before the code opens nothing


def test_the_session_id_is_renewed_when_a_recovery_code_is_accepted(advocate) -> None:
    codes = issue_recovery_codes(user=advocate)
    client = after_password(advocate)
    before = client.cookies["sessionid"].value
    assert client.post(RECOVERY, {"code": codes[0]}).status_code == 200
    assert client.cookies["sessionid"].value != before
    assert client.get("/").status_code == 200
    assert signed_out_with(before)


def test_after_five_wrong_codes_even_the_right_one_waits_fifteen_minutes(advocate) -> None:
    codes = issue_recovery_codes(user=advocate)
    with time_machine.travel(START, tick=False):
        client = after_password(advocate)
        for _ in range(3):
            assert client.post(VERIFY, {"code": wrong_code(advocate)}).status_code == 200
        for _ in range(2):
            assert client.post(RECOVERY, {"code": "aaaaa-bbbbb"}).status_code == 200
        for path, code in ((VERIFY, right_code(advocate)), (RECOVERY, codes[0])):
            response = client.post(path, {"code": code})
            assert response.status_code == 429
            assert "too many wrong codes" in response.content.decode()
        assert client.get("/").status_code == 302  # still not signed in
        # A new sign-in, from anywhere, does not start the count again.
        other = after_password(advocate, ELSEWHERE)
        assert other.post(VERIFY, {"code": right_code(advocate)}).status_code == 429
    assert (
        AuditEvent.objects.filter(verb="two_factor.throttled", target_id=str(advocate.pk)).count()
        == 1
    )
    assert advocate.recoverydevice_set.get().remaining() == 10  # the refused code is unused
    with time_machine.travel(START + dt.timedelta(minutes=16), tick=False):
        assert client.post(VERIFY, {"code": right_code(advocate)})["Location"] == "/"


def test_wrong_codes_for_several_accounts_from_one_address_stop_codes_from_it(
    advocate, settings
) -> None:
    settings.CODE_ADDRESS_ATTEMPTS = 4
    others = [UserFactory(username=f"person{n}", role=Role.ADVOCATE) for n in range(2)]
    with time_machine.travel(START, tick=False):
        for other in others:
            give_authenticator(other)
            client = after_password(other)
            for _ in range(2):
                client.post(VERIFY, {"code": wrong_code(other)})
        here = after_password(advocate)
        assert here.post(VERIFY, {"code": right_code(advocate)}).status_code == 429
        elsewhere = after_password(advocate, ELSEWHERE)
        assert elsewhere.post(VERIFY, {"code": right_code(advocate)})["Location"] == "/"
