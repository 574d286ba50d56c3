"""Wrong passwords lock an account from the address they came from, and too many from one
address (whatever the usernames) stop sign-ins from it; the owner has ways back in."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine

from pathways.accounts.services import issue_set_up_link, set_up_path
from pathways.accounts.tests.factories import PASSWORD, UserFactory, give_authenticator
from pathways.audit.models import AuditEvent
from pathways.core.roles import Role

SIGN_IN = "/account/sign-in/"
OWNER, STRANGER = "198.51.100.7", "203.0.113.66"
START = dt.datetime(2026, 11, 2, 9, 0, tzinfo=dt.UTC)


@pytest.fixture
def owner(db):
    user = UserFactory(username="kay", role=Role.ADVOCATE)
    give_authenticator(user)
    return user


def attempt(client, address, username="kay", password=PASSWORD):
    return client.post(SIGN_IN, {"username": username, "password": password}, REMOTE_ADDR=address)


def test_a_stranger_elsewhere_cannot_lock_the_owner_out(client, owner) -> None:
    for _ in range(5):
        attempt(client, STRANGER, password="wrong password!")
    # The stranger's address is locked for this account, even with the right password…
    response = attempt(client, STRANGER)
    assert response.status_code == 429
    assert "Your account is locked" in response.content.decode()
    assert AuditEvent.objects.filter(verb="user.locked_out", target_id=str(owner.pk)).exists()
    # …but the owner, from their own address, signs in as usual.
    assert attempt(client, OWNER).status_code == 302


def test_a_sprayer_from_one_address_is_stopped_across_many_usernames(client, owner) -> None:
    names = [f"person{n}" for n in range(10)]
    for name in names:
        UserFactory(username=name, role=Role.ADVOCATE)
    with time_machine.travel(START, tick=False):
        for guess in range(3):  # three guesses each: never enough to lock any one account
            for name in names:
                assert attempt(client, STRANGER, name, f"Summer2026-{guess}").status_code == 200
        # Thirty failures from the address: it is refused now, whatever the account…
        response = attempt(client, STRANGER)
        assert response.status_code == 429
        assert "Too many attempts to sign in" in response.content.decode()
        assert attempt(client, STRANGER, "person0", "Summer2026-3").status_code == 429
        # …while everyone else signs in as usual.
        assert attempt(client, OWNER).status_code == 302
    assert (
        AuditEvent.objects.filter(verb="sign_in.address_throttled", target_label=STRANGER).count()
        == 1
    )
    with time_machine.travel(START + dt.timedelta(minutes=61), tick=False):
        assert attempt(client, STRANGER).status_code == 302


def test_a_set_up_link_from_an_administrator_lets_a_locked_owner_back_in(client, owner) -> None:
    for _ in range(5):
        attempt(client, OWNER, password="wrong password!")
    assert attempt(client, OWNER).status_code == 429
    issue_set_up_link(actor=None, user=owner)
    path = set_up_path(owner)
    new = "kettle orbit lantern"
    response = client.post(path, {"new_password1": new, "new_password2": new}, REMOTE_ADDR=OWNER)
    assert response.status_code == 302
    assert attempt(client, OWNER, password=new).status_code == 302
