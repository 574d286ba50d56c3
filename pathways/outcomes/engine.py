"""Keeping outcomes current: the one place outcomes are written from the rules.

`recompute_households` loads the facts of a batch of households in a handful of queries and
applies `outcomes.rules` to them (both in `outcomes.facts`), then creates, updates or withdraws
Outcome rows. Every service that changes a record the rules read (a spell, a reading, an
activity, a member, the start) recomputes that household only (`recompute_household`); many
households or a whole programme go a batch at a time (`outcomes.batches`).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import threading
from collections import Counter, defaultdict
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from django.db import connection, transaction
from django.utils import timezone

from pathways.assessments.selectors import point_names
from pathways.audit import services as audit
from pathways.audit.models import AuditEvent
from pathways.audit.verbs import Verb
from pathways.core import bulk
from pathways.households.models import Household, TimelineEntry
from pathways.outcomes import rules
from pathways.outcomes.facts import PersonFacts, facts_of, outcomes_of
from pathways.outcomes.models import ClaimLine, Outcome, ParticipantPayment
from pathways.outcomes.spans import keep_spans
from pathways.programmes.models import Programme

Kind = Outcome.Kind

# Why an outcome that no longer holds was withdrawn, in words.
NO_LONGER = {
    Kind.COMPLETED_ACTIVITY: "No agreed activity is recorded as completed any more",
    Kind.SIGNIFICANT_IMPROVEMENT: "The readings no longer show a significant improvement",
    Kind.PROGRESS: "The latest reading, {progress} days or more after the first, is no longer "
    "above it on any point",
    Kind.JOB_OUTCOME: "The spells of work no longer make {days} days in work of {hours}+ hours a week",
    Kind.SUSTAINED_13: "The work no longer continues {short} days from its first day",
    Kind.SUSTAINED_26: "The work no longer continues {long} days from its first day",
}

# What an update may change on an outcome row.
CHANGING = [
    "status",
    "achieved_on",
    "quantity",
    "why",
    "basis",
    "detail",
    "fingerprint",
    "withdrawn_at",
    "withdrawn_reason",
    "reversal_due",
    "verified_by",
    "verified_at",
    "changed_at",
]

# An outcome kept now, without building its row: (pk, status, fingerprint) by (person, kind).
Kept = dict[tuple[int, str], tuple[int, str, str]]
# What the rules found, as the fields of an outcome row, by (person, kind).
Found = dict[tuple[int, str], dict[str, Any]]
Notes = list[tuple[Outcome, str]]


def fingerprint(fields: dict[str, Any]) -> str:
    """A short digest of what an outcome says, to tell at a glance whether it changed."""
    text = json.dumps(
        [
            fields["achieved_on"].isoformat(),
            fields["quantity"],
            fields["why"],
            fields["basis"],
            fields["detail"],
        ],
        sort_keys=True,
    )
    return hashlib.blake2b(text.encode(), digest_size=16).hexdigest()


def _basis(found: rules.Achieved) -> dict[str, list[int]]:
    return {
        name: list(ids)
        for name, ids in (
            ("spells", found.spells),
            ("readings", found.readings),
            ("activities", found.activities),
        )
        if ids
    }


def _only_reworded(outcome: Outcome, fields: dict[str, Any]) -> bool:
    """Only the words of why differ (say, star points now named as the instrument names them):
    the outcome rests on the same records, so a verification still holds."""
    return all(
        getattr(outcome, name) == fields[name]
        for name in ("achieved_on", "quantity", "basis", "detail")
    )


@dataclass
class Recomputed:
    created: int = 0
    updated: int = 0
    withdrawn: int = 0
    reinstated: int = 0
    unchanged: int = 0
    processes: int = 1

    def add(self, other: Recomputed) -> None:
        for name in ("created", "updated", "withdrawn", "reinstated", "unchanged"):
            setattr(self, name, getattr(self, name) + getattr(other, name))


def recompute_households(
    programme: Programme,
    household_ids: list[int],
    *,
    today: dt.date | None = None,
    story: bool = True,
) -> Recomputed:
    """Apply the rules to these households' records and bring their outcomes up to date.

    With `story`, each outcome found, changed or withdrawn gets a timeline entry and an audit
    event (a change to one household). Without it (a whole programme), one audit event for the
    batch names every outcome found, changed or withdrawn.
    """
    today = today or timezone.localdate()
    measures = rules.Measures.of(programme.measures)
    facts = facts_of(programme, household_ids, today)
    names = point_names(programme.instrument)
    existing = _kept(household_ids)
    # Two recomputes of one household never run at once (a batch beside an edit).
    list(Household.objects.select_for_update().filter(pk__in=household_ids).values_list("pk"))
    in_claims, claimed = _claimed(household_ids)
    now = timezone.now()
    result = Recomputed()
    found = _found(facts, measures, today, names)
    creates = [
        _new_outcome(programme, facts[person_id].household_id, person_id, kind, fields, now)
        for (person_id, kind), fields in found.items()
        if (person_id, kind) not in existing
    ]
    result.created = len(creates)
    # Only the rows that change are read whole.
    to_change = _changing(existing, found, claimed)
    result.unchanged = sum(
        1 for key, (pk, _, _) in existing.items() if key in found and pk not in to_change
    )
    loaded = Outcome.objects.in_bulk(list(to_change))
    updates: list[Outcome] = []
    notes: Notes = []
    for key, fields in found.items():
        if key not in existing or existing[key][0] not in loaded:
            continue
        outcome = loaded[existing[key][0]]
        if outcome.status == Outcome.Status.WITHDRAWN:
            notes.append((outcome, _reinstate(outcome, fields, claimed)))
            result.reinstated += 1
        else:
            notes.append((outcome, _update(outcome, fields)))
            result.updated += 1
        outcome.changed_at = now
        updates.append(outcome)
    for key, (pk, _, _) in existing.items():
        if key in found or pk not in loaded:
            continue
        outcome = loaded[pk]
        reason = _no_longer(outcome, measures, facts)
        notes.append((outcome, _withdraw(outcome, reason, in_claims, now)))
        updates.append(outcome)
        result.withdrawn += 1

    keep_spans(programme, household_ids, facts)
    if creates:
        _insert(creates, household_ids, now)
        notes += [(outcome, "achieved") for outcome in creates]
    if updates:
        Outcome.objects.bulk_update(updates, CHANGING, batch_size=1000)
    if story:
        _record(programme, notes, today)
    elif notes:
        _record_batch(programme, household_ids, notes)
    return result


def _kept(household_ids: list[int]) -> Kept:
    """What is kept now, without building every row: (pk, status, fingerprint) by person and
    kind."""
    return {
        (person_id, kind): (pk, status, fingerprint)
        for pk, person_id, kind, status, fingerprint in Outcome.objects.filter(
            household_id__in=household_ids
        ).values_list("pk", "person_id", "kind", "status", "fingerprint")
    }


def _claimed(household_ids: list[int]) -> tuple[set[int], set[int]]:
    """The outcomes in a claim (and not reversed), and those with the ones paid to the
    participant.

    Claimed (and not reversed) or paid to the participant: locked while it holds; a claimed one
    is flagged for a reversal if it stops holding."""
    lines: Counter = Counter()
    for outcome_id, kind in ClaimLine.objects.filter(
        outcome__household_id__in=household_ids
    ).values_list("outcome_id", "kind"):
        lines[outcome_id] += 1 if kind == ClaimLine.Kind.CLAIM else -1
    in_claims = {outcome_id for outcome_id, open_claims in lines.items() if open_claims > 0}
    claimed = in_claims | set(
        ParticipantPayment.objects.filter(outcome__household_id__in=household_ids).values_list(
            "outcome_id", flat=True
        )
    )
    return in_claims, claimed


def _found(
    facts: dict[int, PersonFacts],
    measures: rules.Measures,
    today: dt.date,
    names: Mapping[str, str],
) -> Found:
    """Every outcome the rules find for these participants, as the fields of its row."""
    found: Found = {}
    for person in facts.values():
        for kind, achieved in outcomes_of(person, measures, today, names).items():
            fields = {
                "achieved_on": achieved.on,
                "quantity": achieved.quantity,
                "why": achieved.why[:500],
                "basis": _basis(achieved),
                "detail": achieved.detail,
            }
            fields["fingerprint"] = fingerprint(fields)
            found[(person.person_id, kind)] = fields
    return found


def _new_outcome(
    programme: Programme,
    household_id: int,
    person_id: int,
    kind: str,
    fields: dict[str, Any],
    now: Any,
) -> Outcome:
    return Outcome(
        programme=programme,
        household_id=household_id,
        person_id=person_id,
        kind=kind,
        first_found_at=now,
        changed_at=now,
        **fields,
    )


def _changing(existing: Kept, found: Found, claimed: set[int]) -> set[int]:
    """The kept outcomes to reinstate, to change (unless claimed or paid) or to withdraw."""
    return {
        pk
        for key, (pk, status, kept) in existing.items()
        if (key in found and status == Outcome.Status.WITHDRAWN)
        or (key in found and kept != found[key]["fingerprint"] and pk not in claimed)
        or (key not in found and status != Outcome.Status.WITHDRAWN)
    }


def _reinstate(outcome: Outcome, fields: dict[str, Any], claimed: set[int]) -> str:
    """A withdrawn outcome holds again; what the timeline says of it."""
    outcome.withdrawn_at, outcome.withdrawn_reason = None, ""
    outcome.reversal_due = False
    if outcome.pk in claimed and outcome.verified_by_id:
        outcome.status = Outcome.Status.VERIFIED  # what was claimed holds again
    else:
        for name, value in fields.items():
            setattr(outcome, name, value)
        outcome.status = Outcome.Status.EVIDENCED if outcome.evidence else Outcome.Status.ACHIEVED
        outcome.verified_by, outcome.verified_at = None, None
    return "reinstated: the records meet the rule again"


def _update(outcome: Outcome, fields: dict[str, Any]) -> str:
    """An outcome that holds says something else now; what the timeline says of it."""
    reworded = _only_reworded(outcome, fields)
    for name, value in fields.items():
        setattr(outcome, name, value)
    if outcome.status == Outcome.Status.VERIFIED and not reworded:  # on other facts
        outcome.status = Outcome.Status.EVIDENCED
        outcome.verified_by, outcome.verified_at = None, None
    if reworded:
        return "reworded: the records it rests on did not change"
    return "changed: the records it rests on changed"


def _no_longer(outcome: Outcome, measures: rules.Measures, facts: dict[int, PersonFacts]) -> str:
    """Why an outcome no longer holds, in words."""
    if outcome.person_id not in facts:
        return "The person is no longer a participant of a started household"
    return NO_LONGER[outcome.kind].format(
        days=measures.job_min_days,
        hours=measures.job_min_hours,
        short=measures.sustained_short_days,
        long=measures.sustained_long_days,
        progress=measures.progress_min_days,
    )


def _withdraw(outcome: Outcome, reason: str, in_claims: set[int], now: Any) -> str:
    """An outcome no longer holds (flagged for a reversal if claimed); what the timeline says."""
    outcome.status = Outcome.Status.WITHDRAWN
    outcome.withdrawn_at, outcome.withdrawn_reason = now, reason
    outcome.reversal_due = outcome.pk in in_claims
    outcome.changed_at = now
    flag = " (it was claimed: a reversal is due in the next claim)" if outcome.reversal_due else ""
    return f"withdrawn: {reason}{flag}"


COPY_FROM = 50  # new outcomes in a batch from which PostgreSQL gets them by COPY


def _insert(creates: list[Outcome], household_ids: list[int], now: Any) -> None:
    """Insert new outcomes. On PostgreSQL by COPY (a whole programme's first recompute writes
    hundreds of thousands), then their ids are read back; elsewhere by bulk insert."""
    if connection.vendor != "postgresql" or len(creates) < COPY_FROM:
        Outcome.objects.bulk_create(creates, batch_size=1000)
        return
    bulk.insert_objects(Outcome, creates)
    ids = {
        (person_id, kind): pk
        for pk, person_id, kind in Outcome.objects.filter(
            household_id__in=household_ids, first_found_at=now
        ).values_list("pk", "person_id", "kind")
    }
    for outcome in creates:
        outcome.pk = ids[(outcome.person_id, outcome.kind)]


def _record(programme: Programme, notes: list[tuple[Outcome, str]], today: dt.date) -> None:
    """A timeline entry and an audit event for each outcome found, changed or withdrawn."""
    if not notes:
        return
    TimelineEntry.objects.bulk_create(
        [
            TimelineEntry(
                household_id=outcome.household_id,
                on=outcome.achieved_on if what == "achieved" else today,
                kind="outcome",
                summary=f"{outcome.get_kind_display()} {what}"[:500],
            )
            for outcome, what in notes
        ],
        batch_size=1000,
    )
    AuditEvent.objects.bulk_create(
        [
            AuditEvent(
                actor=None,
                actor_label="system",
                verb=Verb(f"outcome.{what.split(':')[0]}"),
                target_type="outcomes.outcome",
                target_id=str(outcome.pk),
                target_label=outcome.get_kind_display(),
                programme=programme,
                data={
                    "person": outcome.person_id,
                    "kind": outcome.kind,
                    "achieved_on": outcome.achieved_on.isoformat(),
                    "basis": outcome.basis,
                    "reason": outcome.withdrawn_reason,
                },
            )
            for outcome, what in notes
        ],
        batch_size=1000,
    )


def _record_batch(programme: Programme, household_ids: list[int], notes: Notes) -> None:
    """One audit event for a batch, naming every outcome found, changed or withdrawn."""
    changed: dict[str, list[int]] = defaultdict(list)
    for outcome, what in notes:
        changed[what.split(":")[0]].append(outcome.pk)
    audit.record(
        actor=None,
        verb=Verb.OUTCOME_RECOMPUTED,
        programme=programme,
        data={"households": len(household_ids), **changed},
        target_label=f"{len(household_ids)} households of {programme.code}",
    )


def recompute_household(household: Household) -> Recomputed | None:
    """After a change to one household's records: that household only (or, inside
    `recompute_once_at_the_end`, noted for then)."""
    waiting = getattr(_deferred, "households", None)
    if waiting is not None:
        waiting[household.pk] = household
        return None
    with transaction.atomic():
        return recompute_households(household.programme, [household.pk])


_deferred = threading.local()


@contextmanager
def recompute_once_at_the_end() -> Iterator[None]:
    """For building many records of a household in one go (the demo): each household whose
    records change inside is recomputed once, on leaving, instead of after every change. The
    outcomes are the same, since the rules read only the records; the timeline tells the end
    result rather than every step to it. All of it is one transaction: if building fails,
    nothing of it stays, so no record is left without its outcomes. Nested uses join the
    outermost."""
    if getattr(_deferred, "households", None) is not None:
        yield
        return
    with transaction.atomic():
        _deferred.households = waiting = {}
        try:
            yield
        finally:
            _deferred.households = None
        for household in waiting.values():
            recompute_household(household)
