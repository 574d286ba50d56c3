"""A hash chain over the audit log, so that an event changed, removed or slipped in after it
was sealed is found (`pathways audit seal`, nightly; `pathways audit verify`).

Events are sealed in the order they are first found committed (an import's events commit late
and are sealed at the next run). Each seal's digest is SHA-256 of the previous seal's digest and
the event's contents; verifying walks the seals from the first and recomputes every link.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field

from django.db import transaction

from pathways.audit.models import AuditEvent, AuditSeal

BATCH = 5_000


def contents(event: AuditEvent) -> bytes:
    """Everything an event says, in one canonical form."""
    return json.dumps(
        [
            event.pk,
            event.at.isoformat(),
            event.actor_id,
            event.actor_label,
            event.verb,
            event.target_type,
            event.target_id,
            event.target_label,
            event.programme_id,
            event.data,
            event.ip_address,
        ],
        sort_keys=True,
        separators=(",", ":"),
        default=str,
    ).encode()


def link(previous_digest: str, event: AuditEvent) -> str:
    return hashlib.sha256(previous_digest.encode() + b"\n" + contents(event)).hexdigest()


@transaction.atomic
def seal(batch: int = BATCH) -> int:
    """Seal the events not sealed yet, oldest first, up to `batch` of them; how many."""
    last = AuditSeal.objects.order_by("-id").first()
    sealed = AuditSeal.objects.values("event_id")
    events = AuditEvent.objects.exclude(pk__in=sealed).order_by("id")[:batch]
    count = 0
    for event in events:
        last = AuditSeal.objects.create(
            event_id=event.pk, previous=last, digest=link(last.digest if last else "", event)
        )
        count += 1
    return count


def seal_all() -> int:
    """Seal every event not sealed yet, a batch to a transaction; how many."""
    total = 0
    while count := seal():
        total += count
    return total


@dataclass
class Verdict:
    sealed: int = 0
    unsealed: int = 0
    problems: list[str] = field(default_factory=list)


def verify() -> Verdict:
    """Walk the chain: every sealed event still there and as it was, every link in order."""
    verdict = Verdict()
    previous_digest, previous_id = "", None
    seals = AuditSeal.objects.order_by("id").iterator(chunk_size=BATCH)
    for chunk in _chunks(seals):
        events = AuditEvent.objects.in_bulk([s.event_id for s in chunk])
        for s in chunk:
            verdict.sealed += 1
            if s.previous_id != previous_id:
                verdict.problems.append(f"seal {s.pk} does not follow seal {previous_id}")
            event = events.get(s.event_id)
            if event is None:
                verdict.problems.append(f"event {s.event_id} was sealed and is gone")
            elif link(previous_digest, event) != s.digest:
                verdict.problems.append(f"event {s.event_id} is not as it was when sealed")
            previous_digest, previous_id = s.digest, s.pk
    verdict.unsealed = AuditEvent.objects.exclude(
        pk__in=AuditSeal.objects.values("event_id")
    ).count()
    return verdict


def _chunks(seals):  # type: ignore[no-untyped-def]
    chunk = []
    for s in seals:
        chunk.append(s)
        if len(chunk) == BATCH:
            yield chunk
            chunk = []
    if chunk:
        yield chunk
