"""The audit log's hash chain: `pathways audit verify` finds an event changed, removed or
slipped in after it was sealed."""

from __future__ import annotations

import pytest
from django.core.management import CommandError, call_command
from django.db import IntegrityError, connection, transaction

from pathways.audit import sealing
from pathways.audit.locking import unlocked_for_emptying
from pathways.audit.models import AuditEvent, AuditSeal

pytestmark = pytest.mark.django_db


def three_events() -> list[AuditEvent]:
    return [
        AuditEvent.objects.create(verb="test.event", actor_label=name, data={"n": n})
        for n, name in enumerate(["ann", "bob", "cal"])
    ]


def tamper(sql: str, params: list) -> None:
    """What someone with the owner's role could do: the triggers off, a row changed."""
    with unlocked_for_emptying(), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # no checks left pending
            cursor.execute("ALTER TABLE audit_auditevent DISABLE TRIGGER audit_event_append_only")
        cursor.execute(sql, params)
        if connection.vendor == "postgresql":
            cursor.execute("ALTER TABLE audit_auditevent ENABLE TRIGGER audit_event_append_only")


def test_a_sealed_log_verifies_and_later_events_wait_for_the_next_seal(capsys) -> None:
    three_events()
    call_command("audit", "seal")
    assert "Sealed 3 events" in capsys.readouterr().out
    AuditEvent.objects.create(verb="test.later")
    call_command("audit", "verify")
    assert "as sealed: 3 events; 1 newer ones not sealed yet" in capsys.readouterr().out
    assert sealing.seal_all() == 1
    assert sealing.verify().problems == []


def test_an_event_changed_after_sealing_is_found(capsys) -> None:
    events = three_events()
    sealing.seal_all()
    tamper("UPDATE audit_auditevent SET actor_label = 'eve' WHERE id = %s", [events[1].pk])
    with pytest.raises(CommandError, match="has been changed: 1 problems in 3 sealed events"):
        call_command("audit", "verify")
    assert f"event {events[1].pk} is not as it was when sealed" in capsys.readouterr().err


def test_an_event_removed_after_sealing_is_found() -> None:
    events = three_events()
    sealing.seal_all()
    tamper("DELETE FROM audit_auditevent WHERE id = %s", [events[0].pk])
    assert sealing.verify().problems == [f"event {events[0].pk} was sealed and is gone"]


def test_two_sealers_cannot_fork_the_chain() -> None:
    three_events()
    sealing.seal_all()
    last = AuditSeal.objects.order_by("-id").first()
    other = AuditEvent.objects.create(verb="test.other")
    with pytest.raises(IntegrityError), transaction.atomic():
        AuditSeal.objects.create(event_id=other.pk, previous=last.previous, digest="x" * 64)
