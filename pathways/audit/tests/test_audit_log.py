"""The audit log records views and changes, and nothing in the app or API can alter it."""

from __future__ import annotations

import sqlite3
import uuid
from collections.abc import Iterator
from contextlib import closing

import psycopg
import pytest
from django.db import DatabaseError, connection, transaction
from django.urls import reverse

from pathways.audit.models import AuditEvent, AuditLogIsAppendOnly
from pathways.conftest import World
from pathways.core.database_roles import app_role_owns_tables, grant_to_app_role


def test_opening_a_household_records_who_when_what_and_from_where(world: World, signed_in) -> None:
    client = signed_in(world.advocate_k)
    client.get(
        reverse("household_record:detail", args=[world.household_k.pk]), REMOTE_ADDR="10.1.2.3"
    )
    event = AuditEvent.objects.get(verb="household.viewed")
    assert event.actor == world.advocate_k
    assert event.actor_label == "advocate-k"
    assert event.target_type == "households.household"
    assert event.target_id == str(world.household_k.pk)
    assert event.programme == world.hiw
    assert event.ip_address == "10.1.2.3"
    assert event.data["people"] == [p.pk for p in world.household_k.members.all()]


def test_opening_a_household_through_the_api_is_recorded_too(world: World, signed_in) -> None:
    client = signed_in(world.manager_k)
    client.get(f"/api/households/{world.household_k.pk}/")
    assert AuditEvent.objects.filter(verb="household.viewed", actor=world.manager_k).count() == 1


def test_a_programme_change_records_before_and_after(world: World, signed_in) -> None:
    from pathways.programmes import services

    definition = world.hiw.definition() | {"support_months": 9}
    services.save_definition(definition=definition, actor=world.programme_manager, reason="Shorter")
    event = AuditEvent.objects.filter(verb="programme.changed").get()
    assert event.actor == world.programme_manager
    assert event.data["changes"] == {"support_months": {"before": 12, "after": 9}}
    assert event.data["reason"] == "Shorter"


def test_audit_events_cannot_be_changed_or_deleted_through_the_models(world: World) -> None:
    event = AuditEvent.objects.create(verb="test.event", actor_label="someone")
    event.verb = "tampered"
    with pytest.raises(AuditLogIsAppendOnly):
        event.save()
    with pytest.raises(AuditLogIsAppendOnly):
        event.delete()
    with pytest.raises(AuditLogIsAppendOnly):
        AuditEvent.objects.filter(pk=event.pk).update(verb="tampered")
    with pytest.raises(AuditLogIsAppendOnly):
        AuditEvent.objects.filter(pk=event.pk).delete()
    assert AuditEvent.objects.get(pk=event.pk).verb == "test.event"


def test_the_database_itself_refuses_to_change_the_audit_log(world: World) -> None:
    event = AuditEvent.objects.create(verb="test.event")
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE audit_auditevent SET verb = 'tampered' WHERE id = %s", [event.pk])
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM audit_auditevent WHERE id = %s", [event.pk])
    assert AuditEvent.objects.get(pk=event.pk).verb == "test.event"


@pytest.mark.parametrize("method", ["put", "patch", "delete", "post"])
def test_the_api_offers_no_way_to_alter_the_audit_log(world: World, signed_in, method: str) -> None:
    event = AuditEvent.objects.create(verb="test.event", programme=world.hiw)
    client = signed_in(world.programme_manager)
    url = f"/api/audit-events/{event.pk}/" if method != "post" else "/api/audit-events/"
    response = getattr(client, method)(
        url, data={"verb": "tampered"}, content_type="application/json"
    )
    assert response.status_code == 405
    assert AuditEvent.objects.filter(verb="tampered").count() == 0
    assert AuditEvent.objects.filter(pk=event.pk).exists()


def test_a_programme_manager_finds_views_of_their_programmes_records(
    world: World, signed_in, client
) -> None:
    signed_in(world.advocate_k).get(reverse("household_record:detail", args=[world.household_k.pk]))
    client.logout()
    client = signed_in(world.programme_manager)
    page = client.get(reverse("audit:search"), {"verb": "household.viewed", "actor": "advocate-k"})
    events = list(page.context["events"])
    assert [e.target_id for e in events] == [str(world.household_k.pk)]


def test_another_programmes_manager_does_not_see_those_events(
    world: World, signed_in, client
) -> None:
    signed_in(world.advocate_k).get(reverse("household_record:detail", args=[world.household_k.pk]))
    client.logout()
    client = signed_in(world.win_manager)
    page = client.get(reverse("audit:search"), {"verb": "household.viewed"})
    assert list(page.context["events"]) == []
    api = client.get("/api/audit-events/").json()["results"]
    assert all(row["programme"] == "win" for row in api)


def test_a_bad_date_in_the_search_is_explained(world: World, signed_in) -> None:
    page = signed_in(world.programme_manager).get(
        reverse("audit:search"), {"date_from": "31/02/2026"}
    )
    assert "Enter the from date as a date" in page.content.decode()


@pytest.mark.skipif(connection.vendor != "sqlite", reason="the SQLite prompt is SQLite's")
@pytest.mark.django_db(transaction=True)
def test_a_sqlite_prompt_cannot_change_the_audit_log_either() -> None:
    event = AuditEvent.objects.create(verb="test.event")
    with closing(sqlite3.connect(connection.settings_dict["NAME"])) as prompt:
        for statement in (
            "UPDATE audit_auditevent SET verb = 'tampered'",
            "DELETE FROM audit_auditevent",
        ):
            with pytest.raises(sqlite3.OperationalError, match="pathways_audit_unlocked"):
                prompt.execute(statement)
    assert AuditEvent.objects.get(pk=event.pk).verb == "test.event"


@pytest.fixture
def app_role() -> Iterator[str]:
    """A login role like the app's in production: not the owner of any table."""
    role = f"pathways_app_{uuid.uuid4().hex[:8]}"
    with connection.cursor() as cursor:
        cursor.execute(f'CREATE ROLE "{role}" LOGIN')  # noqa: S608 (a name made above)
    try:
        yield role
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f'DROP OWNED BY "{role}"')  # noqa: S608
            cursor.execute(f'DROP ROLE "{role}"')  # noqa: S608


@pytest.mark.skipif(connection.vendor != "postgresql", reason="roles are PostgreSQL's")
@pytest.mark.django_db(transaction=True)
def test_the_apps_role_adds_to_the_audit_log_but_cannot_truncate_or_disable_its_trigger(
    app_role: str,
) -> None:
    event = AuditEvent.objects.create(verb="test.event")
    grant_to_app_role(role=app_role, using="default")
    settings = connection.settings_dict
    with psycopg.connect(
        host=settings["HOST"],
        port=settings["PORT"] or 5432,
        dbname=settings["NAME"],
        user=app_role,
        autocommit=True,
    ) as app:
        app.execute(
            "INSERT INTO audit_auditevent (at, actor_label, verb, target_type, target_id, "
            "target_label, data) VALUES (now(), 'app', 'test.added', '', '', '', '{}')"
        )
        assert app.execute("SELECT count(*) FROM accounts_user").fetchone() is not None
        for statement in (
            "TRUNCATE audit_auditevent",
            "ALTER TABLE audit_auditevent DISABLE TRIGGER ALL",
            "UPDATE audit_auditevent SET verb = 'tampered'",
            "DELETE FROM audit_auditevent",
            "DROP TABLE audit_auditevent",
        ):
            with pytest.raises(psycopg.errors.InsufficientPrivilege):
                app.execute(statement)
    assert AuditEvent.objects.get(pk=event.pk).verb == "test.event"
    assert AuditEvent.objects.filter(verb="test.added").exists()
    assert app_role_owns_tables()  # the test suite itself connects as the owner


def test_the_log_names_a_participants_record_by_kind_and_number_never_by_name(
    world: World, signed_in
) -> None:
    person = world.household_k.members.get()
    person.given_name, person.family_name = "Unmistakable", "Givenname"
    person.save()
    signed_in(world.manager_k).get(
        reverse("households:edit-person", args=[world.household_k.pk, person.pk])
    )
    event = AuditEvent.objects.get(verb="person.viewed")
    assert event.target_label == f"person {person.pk} of {world.household_k.reference}"
    everything = " ".join(e.target_label + str(e.data) for e in AuditEvent.objects.all())
    assert "Unmistakable" not in everything and "Givenname" not in everything
