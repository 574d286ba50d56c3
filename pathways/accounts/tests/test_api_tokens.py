"""API tokens: shown once and kept only as a hash, expiring, listed and revoked, and working
only while their user keeps the role they were issued for."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.core.management import CommandError, call_command
from django.db import connection
from django.test import Client
from django.utils import timezone

from pathways.accounts import tokens
from pathways.accounts.models import ApiToken
from pathways.audit.models import AuditEvent
from pathways.conftest import World
from pathways.core.roles import Role

pytestmark = pytest.mark.django_db


def households_with(token: str) -> int:
    return Client().get("/api/households/", headers={"authorization": f"Token {token}"}).status_code


def test_a_token_is_printed_once_and_only_its_hash_is_kept(world: World, capsys) -> None:
    call_command("api_token", "issue", "advocate-k", "--name", "Knowsley CRM sync")
    token = capsys.readouterr().out.strip()
    assert households_with(token) == 200
    stored = ApiToken.objects.get(user=world.advocate_k)
    assert stored.digest != token and token not in stored.digest
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM accounts_apitoken")
        assert not any(token in str(cell) for row in cursor.fetchall() for cell in row)
    call_command("api_token", "list", "advocate-k")
    listed = capsys.readouterr().out
    assert "Knowsley CRM sync" in listed and stored.token_key in listed
    assert token not in listed  # listing never shows the token again
    event = AuditEvent.objects.get(verb="api_token.issued")
    assert event.data["name"] == "Knowsley CRM sync" and token not in str(event.data)


def test_a_token_expires(world: World, settings) -> None:
    token = tokens.issue(user=world.advocate_k, name="sync", days=30)
    assert households_with(token) == 200
    lasts = ApiToken.objects.get(user=world.advocate_k).expiry - timezone.now()
    assert dt.timedelta(days=29) < lasts <= dt.timedelta(days=30)
    with time_machine.travel(timezone.now() + dt.timedelta(days=31)):
        assert households_with(token) == 401
    unsaid = tokens.issue(user=world.advocate_k, name="sync")
    assert unsaid and ApiToken.objects.get(name="sync").expiry > timezone.now() + dt.timedelta(
        days=settings.API_TOKEN_DAYS - 1
    )


def test_a_revoked_token_stops_working_and_others_go_on(world: World, capsys) -> None:
    first = tokens.issue(user=world.advocate_k, name="one")
    second = tokens.issue(user=world.advocate_k, name="two")
    call_command("api_token", "revoke", "advocate-k", first[:15])
    assert "Revoked 1 token of advocate-k" in capsys.readouterr().out
    assert households_with(first) == 401
    assert households_with(second) == 200
    call_command("api_token", "revoke", "advocate-k", "--all")
    assert households_with(second) == 401
    assert AuditEvent.objects.filter(verb="api_token.revoked").count() == 2


def test_a_token_stops_working_when_its_user_changes_role(world: World) -> None:
    token = tokens.issue(user=world.manager_k, name="dashboard")
    assert households_with(token) == 200
    world.manager_k.role = Role.ADVOCATE
    world.manager_k.save()
    response = Client().get("/api/households/", headers={"authorization": f"Token {token}"})
    assert response.status_code == 401
    assert "another role" in response.json()["detail"]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["issue", "no-role", "--name", "x"], "has no role"),
        (["issue", "advocate-k", "--name", " "], "say what will use the token"),
        (["issue", "advocate-k", "--name", "x", "--days", "400"], "from 1 to 366 days"),
        (["issue", "nobody", "--name", "x"], "no user called 'nobody'"),
        (["revoke", "advocate-k"], "Name the tokens to revoke"),
        (["revoke", "advocate-k", "abcdef"], "has no token starting abcdef"),
    ],
)
def test_bad_requests_are_refused_with_a_reason_and_change_nothing(
    world: World, args: list[str], message: str
) -> None:
    with pytest.raises(CommandError, match=message):
        call_command("api_token", *args)
    assert not ApiToken.objects.exists()
    assert not AuditEvent.objects.filter(verb__startswith="api_token.").exists()
