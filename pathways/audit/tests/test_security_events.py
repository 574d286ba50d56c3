"""Security events are audited (metadata only), and the application's logs never hold a
password or a case note."""

from __future__ import annotations

import logging

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from pathways.accounts.services import current_totp_code
from pathways.accounts.tests.factories import PASSWORD, UserFactory, give_authenticator
from pathways.audit.models import AuditEvent
from pathways.conftest import World, sign_in
from pathways.core.roles import Role

SIGN_IN = "/account/sign-in/"


def events(verb: str) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(verb=verb).order_by("id"))


def text_of_log() -> str:
    return "\n".join(
        str(event.data) + event.target_label for event in AuditEvent.objects.order_by("id")
    )


@pytest.fixture
def kay(db):
    user = UserFactory(username="kay", role=Role.ADVOCATE)
    give_authenticator(user)
    return user


def test_a_failed_sign_in_is_audited_without_the_password(client: Client, kay) -> None:
    client.post(SIGN_IN, {"username": "kay", "password": "not-my-password-1"})
    [failed] = events("user.sign_in_failed")
    assert failed.target_id == str(kay.pk) and failed.target_label == "kay"
    assert "not-my-password-1" not in text_of_log()


def test_a_password_typed_as_a_username_is_not_kept(client: Client, kay) -> None:
    client.post(SIGN_IN, {"username": PASSWORD, "password": "kay"})
    [failed] = events("user.sign_in_failed")
    assert failed.target_id == "" and failed.target_label == "(no such account)"
    assert PASSWORD not in text_of_log()


def test_a_lockout_is_audited(client: Client, kay) -> None:
    for _ in range(5):
        client.post(SIGN_IN, {"username": "kay", "password": "wrong password!"})
    [locked] = events("user.locked_out")
    assert locked.target_id == str(kay.pk)
    assert len(events("user.sign_in_failed")) == 5


def test_sign_in_and_a_wrong_two_factor_code_are_audited(client: Client, kay) -> None:
    client.post(SIGN_IN, {"username": "kay", "password": PASSWORD})
    assert events("user.signed_in")[0].actor == kay
    device = kay.totpdevice_set.get()
    wrong = "000000" if current_totp_code(device) != "000000" else "111111"
    client.post(reverse("accounts:two-factor-verify"), {"code": wrong})
    [failed] = events("two_factor.failed")
    assert failed.actor == kay and failed.data == {"method": "authenticator app"}
    assert wrong not in text_of_log()
    client.post(reverse("accounts:two-factor-recovery"), {"code": "ABCD-EFGH"})
    assert [e.data["method"] for e in events("two_factor.failed")] == [
        "authenticator app",
        "recovery code",
    ]


def test_every_refusal_is_audited_on_pages_and_the_api(world: World, signed_in) -> None:
    client = signed_in(world.funder)
    assert client.get(reverse("households:list") + "?q=secret").status_code == 403
    assert client.get("/api/households/").status_code == 403
    refused = events("access.refused")
    assert [(e.actor, e.target_label, e.data["reason"]) for e in refused] == [
        (world.funder, reverse("households:list"), "role or record"),
        (world.funder, "/api/households/", "api"),
    ]
    assert "secret" not in text_of_log()  # the query string is not kept


def test_a_forged_form_is_refused_and_audited(world: World) -> None:
    client = Client(enforce_csrf_checks=True)
    sign_in(client, world.advocate_k)
    before = world.household_k.contacts.count()
    response = client.post(
        reverse("household_record:add-contact", args=[world.household_k.pk]),
        {"method": "home_visit", "notes": "forged"},
    )
    assert response.status_code == 403
    assert "Your form could not be sent" in response.content.decode()
    assert world.household_k.contacts.count() == before
    [refused] = events("access.refused")
    assert refused.data["reason"] == "csrf" and refused.actor == world.advocate_k


def test_logs_never_hold_a_password_or_a_case_note(
    client: Client, world: World, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    user = UserFactory(username="lee", role=Role.ADVOCATE)
    password = "lee's very own passphrase"
    user.set_password(password)
    user.save()
    client.post(SIGN_IN, {"username": "lee", "password": password})
    client.post(SIGN_IN, {"username": "lee", "password": password + " wrong"})
    client.post(SIGN_IN, {"username": password, "password": "x"})

    note = "Disclosed a relapse and a debt of 4,000 pounds to a lender"
    adviser = Client()
    sign_in(adviser, world.advocate_k)
    today = timezone.localdate()
    url = reverse("household_record:add-contact", args=[world.household_k.pk])
    form = {"date_0": today.day, "date_1": today.month, "date_2": today.year, "notes": note}
    assert adviser.post(url, {**form, "method": "home_visit"}).status_code == 302
    assert adviser.post(url, {**form, "method": "carrier pigeon"}).status_code == 200  # refused
    adviser.get(reverse("household_record:detail", args=[world.household_k.pk]))
    other = Client()
    sign_in(other, world.advocate_l)
    other.post(url, {**form, "method": "home_visit"})  # another caseload: 404, logged as such

    logged = "\n".join(record.getMessage() for record in caplog.records)
    assert caplog.records, "nothing was logged: the test would prove nothing"
    assert password not in logged
    assert "relapse" not in logged and "4,000" not in logged
    assert world.household_k.contacts.filter(notes=note).count() == 1
