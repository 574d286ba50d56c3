"""Keeping outcomes current, recording work, evidence and verification, claims and payments.

`recompute_households` is the one place outcomes are written from the rules: it loads the facts
of a batch of households in a handful of queries, applies `outcomes.rules`, and creates, updates
or withdraws Outcome rows. Every service that changes a record the rules read (a spell, a
reading, an activity, a member, the start) recomputes that household only.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import threading
from collections import Counter, defaultdict
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db import IntegrityError, connection, transaction
from django.db.models import Count, F, Q
from django.utils import timezone

from pathways.assessments.models import Instrument, InstrumentPoint, Reading, Score
from pathways.assessments.selectors import point_names
from pathways.audit import services as audit
from pathways.audit.models import AuditEvent
from pathways.casework.models import Activity
from pathways.core import bulk
from pathways.core.exceptions import RuleError
from pathways.core.money import pounds
from pathways.core.roles import Role
from pathways.households.models import Household, Person, TimelineEntry
from pathways.households.participation import participating
from pathways.outcomes import rules
from pathways.outcomes.models import (
    Claim,
    ClaimLine,
    EmploymentSpell,
    Evidence,
    Outcome,
    ParticipantPayment,
    PointChange,
    ReadingSpan,
)
from pathways.programmes.models import Programme

Kind = Outcome.Kind
ACTIVE = [Outcome.Status.ACHIEVED, Outcome.Status.EVIDENCED, Outcome.Status.VERIFIED]

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


@dataclass
class PersonFacts:
    person_id: int
    household_id: int
    start: dt.date
    spells: list[rules.Spell] = field(default_factory=list)
    readings: list[rules.ReadingFacts] = field(default_factory=list)
    activities: list[rules.ActivityFacts] = field(default_factory=list)


def outcomes_of(
    facts: PersonFacts,
    measures: rules.Measures,
    today: dt.date,
    names: Mapping[str, str] | None = None,
) -> dict[str, rules.Achieved]:
    """Every outcome the rules find for one participant, as of `today`; `names` are the star
    points' names, for the words of why."""
    found: dict[str, rules.Achieved] = {}
    work = rules.job_outcome(facts.spells, start=facts.start, report_date=today, measures=measures)
    if work is not None:
        found[Kind.JOB_OUTCOME] = work[0]
        for kind, days in (
            (Kind.SUSTAINED_13, measures.sustained_short_days),
            (Kind.SUSTAINED_26, measures.sustained_long_days),
        ):
            kept = rules.sustained(
                facts.spells, start=facts.start, report_date=today, measures=measures, days=days
            )
            if kept is not None:
                found[kind] = kept
    improvement = rules.significant_improvement(
        facts.readings, report_date=today, measures=measures, names=names
    )
    if improvement is not None:
        found[Kind.SIGNIFICANT_IMPROVEMENT] = improvement
    progress = rules.progress_measures(
        facts.readings, report_date=today, min_days=measures.progress_min_days, names=names
    )
    if progress is not None:
        found[Kind.PROGRESS] = progress
    activity = rules.completed_activity(facts.activities, report_date=today)
    if activity is not None:
        found[Kind.COMPLETED_ACTIVITY] = activity
    return found


def _facts(
    programme: Programme, household_ids: list[int], today: dt.date
) -> dict[int, PersonFacts]:
    """The facts the rules read for the participants of these households, in seven queries."""
    people: dict[int, PersonFacts] = {}
    for pk, household_id, start in Person.objects.filter(
        participating(),
        household_id__in=household_ids,
        household__start_date__isnull=False,
        household__start_date__lte=today,
    ).values_list("pk", "household_id", "household__start_date"):
        people[pk] = PersonFacts(pk, household_id, start)
    if not people:
        return people
    # Filtered by the batch's households (one join), not by long lists of ids.
    in_batch = {"person__household_id__in": household_ids}
    for pk, person_id, start, end, hours in EmploymentSpell.objects.filter(**in_batch).values_list(
        "pk", "person_id", "start_date", "end_date", "hours_per_week"
    ):
        if person_id in people:
            people[person_id].spells.append(rules.Spell(pk, start, end, hours))
    instrument = Instrument.objects.filter(code=programme.instrument).first()
    points = dict(
        InstrumentPoint.objects.filter(
            instrument=instrument, kind=InstrumentPoint.Kind.SCALE
        ).values_list("pk", "code")
    )
    # The measures read a person's first and latest readings up to the day: only those two
    # are kept. (Filtering the scores by the batch's households is quicker than by a long
    # list of reading ids.)
    ends: dict[int, list[tuple[dt.date, int]]] = {}
    for pk, person_id, date in Reading.objects.filter(
        **in_batch, superseded=False, instrument=instrument, date__lte=today
    ).values_list("pk", "person_id", "date"):
        if person_id not in people:
            continue
        held = ends.setdefault(person_id, [(date, pk), (date, pk)])
        held[0], held[1] = min(held[0], (date, pk)), max(held[1], (date, pk))
    wanted = {pk for pair in ends.values() for _, pk in pair}
    scores: dict[int, dict[str, int]] = defaultdict(dict)
    for reading_id, point_id, worker, said in Score.objects.filter(
        reading__person__household_id__in=household_ids,
        reading__superseded=False,
        reading__instrument=instrument,
    ).values_list("reading_id", "point_id", "worker", "participant"):
        value = worker if worker is not None else said
        if value is not None and point_id in points and reading_id in wanted:
            scores[reading_id][points[point_id]] = value
    for person_id, pair in ends.items():
        for date, pk in sorted(set(pair)):
            people[person_id].readings.append(rules.ReadingFacts(pk, date, scores.get(pk, {})))
    for pk, person_id, completed in Activity.objects.filter(
        **in_batch, completed_date__isnull=False
    ).values_list("pk", "person_id", "completed_date"):
        if person_id in people:
            people[person_id].activities.append(rules.ActivityFacts(pk, completed))
    return people


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
    facts = _facts(programme, household_ids, today)
    names = point_names(programme.instrument)
    # What is kept now, without building every row: (pk, status, fingerprint) by person and kind.
    existing = {
        (person_id, kind): (pk, status, fingerprint)
        for pk, person_id, kind, status, fingerprint in Outcome.objects.filter(
            household_id__in=household_ids
        ).values_list("pk", "person_id", "kind", "status", "fingerprint")
    }
    # Two recomputes of one household never run at once (a batch beside an edit).
    list(Household.objects.select_for_update().filter(pk__in=household_ids).values_list("pk"))
    # Claimed (and not reversed) or paid to the participant: locked while it holds; a claimed
    # one is flagged for a reversal if it stops holding.
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
    now = timezone.now()
    result = Recomputed()
    creates: list[Outcome] = []
    found: dict[tuple[int, str], dict[str, Any]] = {}
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
            key = (person.person_id, kind)
            found[key] = fields
            if key not in existing:
                creates.append(
                    Outcome(
                        programme=programme,
                        household_id=person.household_id,
                        person_id=person.person_id,
                        kind=kind,
                        first_found_at=now,
                        changed_at=now,
                        **fields,
                    )
                )
                result.created += 1
    # Only the rows that change are read whole.
    to_change = {
        pk
        for key, (pk, status, kept) in existing.items()
        if (key in found and status == Outcome.Status.WITHDRAWN)
        or (key in found and kept != found[key]["fingerprint"] and pk not in claimed)
        or (key not in found and status != Outcome.Status.WITHDRAWN)
    }
    result.unchanged = sum(
        1 for key, (pk, _, _) in existing.items() if key in found and pk not in to_change
    )
    loaded = Outcome.objects.in_bulk(list(to_change))
    updates: list[Outcome] = []
    notes: list[tuple[Outcome, str]] = []
    for key, fields in found.items():
        if key not in existing or existing[key][0] not in loaded:
            continue
        outcome = loaded[existing[key][0]]
        if outcome.status == Outcome.Status.WITHDRAWN:
            outcome.withdrawn_at, outcome.withdrawn_reason = None, ""
            outcome.reversal_due = False
            if outcome.pk in claimed and outcome.verified_by_id:
                outcome.status = Outcome.Status.VERIFIED  # what was claimed holds again
            else:
                for name, value in fields.items():
                    setattr(outcome, name, value)
                outcome.status = (
                    Outcome.Status.EVIDENCED if outcome.evidence else Outcome.Status.ACHIEVED
                )
                outcome.verified_by, outcome.verified_at = None, None
            notes.append((outcome, "reinstated: the records meet the rule again"))
            result.reinstated += 1
        else:
            reworded = _only_reworded(outcome, fields)
            for name, value in fields.items():
                setattr(outcome, name, value)
            if outcome.status == Outcome.Status.VERIFIED and not reworded:  # on other facts
                outcome.status = Outcome.Status.EVIDENCED
                outcome.verified_by, outcome.verified_at = None, None
            notes.append(
                (
                    outcome,
                    "reworded: the records it rests on did not change"
                    if reworded
                    else "changed: the records it rests on changed",
                )
            )
            result.updated += 1
        outcome.changed_at = now
        updates.append(outcome)

    for key, (pk, _, _) in existing.items():
        if key in found or pk not in loaded:
            continue
        outcome = loaded[pk]
        reason = NO_LONGER[outcome.kind].format(
            days=measures.job_min_days,
            hours=measures.job_min_hours,
            short=measures.sustained_short_days,
            long=measures.sustained_long_days,
            progress=measures.progress_min_days,
        )
        if outcome.person_id not in facts:
            reason = "The person is no longer a participant of a started household"
        outcome.status = Outcome.Status.WITHDRAWN
        outcome.withdrawn_at, outcome.withdrawn_reason = now, reason
        outcome.reversal_due = outcome.pk in in_claims
        outcome.changed_at = now
        updates.append(outcome)
        flag = (
            " (it was claimed: a reversal is due in the next claim)" if outcome.reversal_due else ""
        )
        notes.append((outcome, f"withdrawn: {reason}{flag}"))
        result.withdrawn += 1

    _keep_spans(programme, household_ids, facts)
    if creates:
        _insert(creates, household_ids, now)
        notes += [(outcome, "achieved") for outcome in creates]
    if updates:
        Outcome.objects.bulk_update(
            updates,
            [
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
            ],
            batch_size=1000,
        )
    if story:
        _record(programme, notes, today)
    elif notes:
        changed: dict[str, list[int]] = defaultdict(list)
        for outcome, what in notes:
            changed[what.split(":")[0]].append(outcome.pk)
        audit.record(
            actor=None,
            verb="outcome.recomputed",
            programme=programme,
            data={"households": len(household_ids), **changed},
            target_label=f"{len(household_ids)} households of {programme.code}",
        )
    return result


def _keep_spans(
    programme: Programme, household_ids: list[int], facts: dict[int, PersonFacts]
) -> None:
    """Bring the batch's reading spans (each participant's first and latest readings, point by
    point) up to date with what the rules just read: only people whose pair of readings changed
    are rewritten."""
    codes = dict(
        InstrumentPoint.objects.filter(
            instrument__code=programme.instrument, kind=InstrumentPoint.Kind.SCALE
        ).values_list("code", "pk")
    )
    wanted: dict[int, tuple[PersonFacts, rules.ReadingFacts, rules.ReadingFacts]] = {}
    for person in facts.values():
        history = sorted(person.readings, key=lambda r: (r.date, r.id))
        if len(history) >= 2 and history[0].id != history[-1].id:
            wanted[person.person_id] = (person, history[0], history[-1])
    kept = {
        person_id: (pk, first_id, latest_id)
        for pk, person_id, first_id, latest_id in ReadingSpan.objects.filter(
            household_id__in=household_ids
        ).values_list("pk", "person_id", "first_reading_id", "latest_reading_id")
    }
    stale = {
        pk
        for person_id, (pk, first_id, latest_id) in kept.items()
        if person_id not in wanted
        or (wanted[person_id][1].id, wanted[person_id][2].id) != (first_id, latest_id)
    }
    if stale:
        ReadingSpan.objects.filter(pk__in=stale).delete()
    fresh = []
    for person_id, (person, first, latest) in wanted.items():
        if person_id in kept and kept[person_id][0] not in stale:
            continue
        gains = [latest.scores[c] - first.scores[c] for c in first.scores if c in latest.scores]
        fresh.append(
            ReadingSpan(
                person_id=person_id,
                household_id=person.household_id,
                first_reading_id=first.id,
                latest_reading_id=latest.id,
                first_date=first.date,
                latest_date=latest.date,
                points_up=sum(1 for gain in gains if gain > 0),
                total_gain=sum(gains),
                best_gain=max(gains, default=0),
            )
        )
    if not fresh:
        return
    ReadingSpan.objects.bulk_create(fresh, batch_size=1000)
    changes = [
        PointChange(
            span=span,
            point_id=codes[code],
            first_value=first.scores[code],
            latest_value=latest.scores[code],
        )
        for span in fresh
        for first, latest in [wanted[span.person_id][1:]]
        for code in first.scores
        if code in latest.scores and code in codes
    ]
    PointChange.objects.bulk_create(changes, batch_size=2000)


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
                verb=f"outcome.{what.split(':')[0]}",
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


def recompute_programme(
    programme: Programme, *, batch: int = 1000, workers: int | None = None
) -> Recomputed:
    """Every household of a programme, a batch at a time (memory stays flat as it grows)."""
    return recompute_many(programme, None, batch=batch, workers=workers)


def recompute_many(
    programme: Programme,
    household_ids: list[int] | None,
    *,
    batch: int = 1000,
    workers: int | None = None,
) -> Recomputed:
    """These households of a programme (None: all of them), a batch at a time.

    On PostgreSQL two worker processes share the batches by default (the work is half Python,
    half database), when this process is a plain command (the CLI, the job worker); on SQLite,
    whose writers queue one at a time, inside a transaction and beside other threads, one
    process does them all.
    """
    import threading

    if workers is None:
        workers = 2
    if (
        workers <= 1
        or connection.vendor != "postgresql"
        # inside a transaction other processes would not see its rows
        or connection.in_atomic_block
        # forking a process that runs other threads can leave a child waiting on their locks
        or threading.active_count() > 1
    ):
        result = _recompute_share(programme.pk, household_ids, batch, 0, 1)
        result.processes = 1
        return result
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    from django.db import connections

    connections.close_all()  # each process opens its own connection
    total = Recomputed()
    shares = [(programme.pk, household_ids, batch, n, workers) for n in range(workers)]
    with ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("fork")) as pool:
        for part in pool.map(_recompute_share, *zip(*shares, strict=True)):
            total.add(part)
    total.processes = workers
    return total


def _batches(
    programme: Programme, household_ids: list[int] | None, batch: int
) -> Iterator[list[int]]:
    if household_ids is not None:
        ordered = sorted(household_ids)
        for start in range(0, len(ordered), batch):
            yield ordered[start : start + batch]
        return
    ids = Household.objects.filter(programme=programme).order_by("pk").values_list("pk", flat=True)
    last = 0
    while True:
        chunk = list(ids.filter(pk__gt=last)[:batch])
        if not chunk:
            return
        yield chunk
        last = chunk[-1]


def _recompute_share(
    programme_id: int, household_ids: list[int] | None, batch: int, share: int, shares: int
) -> Recomputed:
    """Batches number `share`, `share + shares`, … of the households."""
    programme = Programme.objects.get(pk=programme_id)
    total = Recomputed()
    for number, chunk in enumerate(_batches(programme, household_ids, batch)):
        if number % shares == share:
            with transaction.atomic():
                total.add(recompute_households(programme, chunk, story=False))
    return total


# --- employment spells ------------------------------------------------------------------------

SPELL_FIELDS = (
    "employer",
    "job_title",
    "start_date",
    "end_date",
    "hours_per_week",
    "self_employed",
    "evidence",
)


def _check_spell(data: dict[str, Any], person: Person) -> None:
    problems = {}
    today = timezone.localdate()
    start, end, hours = data.get("start_date"), data.get("end_date"), data.get("hours_per_week")
    if start is None:
        problems["start_date"] = "Enter the first day of work"
    elif start > today:
        problems["start_date"] = "The first day of work cannot be in the future"
    if end is not None:
        if end > today:
            problems["end_date"] = (
                "The last day of work cannot be in the future: leave it empty while they are in work"
            )
        elif start is not None and end < start:
            problems["end_date"] = "The last day of work must be on or after the first"
    if hours is None:
        problems["hours_per_week"] = "Enter the hours a week"
    elif not isinstance(hours, Decimal) or not (Decimal(0) < hours <= 168):
        problems["hours_per_week"] = "Enter the hours a week, more than 0 and at most 168"
    if data.get("evidence") and data["evidence"] not in Evidence.values:
        problems["evidence"] = "Choose the evidence held"
    if problems:
        raise RuleError(problems)


def _spell_event(actor: Any, spell: EmploymentSpell, verb: str, data: dict, summary: str) -> None:
    household = spell.person.household
    audit.record(actor=actor, verb=verb, target=spell, programme=household.programme, data=data)
    TimelineEntry.objects.create(
        household=household,
        on=timezone.localdate(),
        kind="work",
        summary=summary[:500],
        actor=actor if getattr(actor, "is_authenticated", False) else None,
    )


@transaction.atomic
def record_spell(
    *, actor: Any, person: Person, recompute: bool = True, **data: Any
) -> EmploymentSpell:
    """A spell of paid work (or self-employment); outcomes of the household are recomputed."""
    _check_spell(data, person)
    spell = EmploymentSpell.objects.create(
        person=person,
        recorded_by=actor if getattr(actor, "is_authenticated", False) else None,
        **{name: data[name] for name in SPELL_FIELDS if name in data},
    )
    _spell_event(
        actor,
        spell,
        "work.spell_recorded",
        {name: str(getattr(spell, name)) for name in SPELL_FIELDS},
        f"Work recorded for {person}: {spell}",
    )
    if recompute:
        recompute_household(person.household)
    return spell


@transaction.atomic
def correct_spell(
    *, actor: Any, spell: EmploymentSpell, recompute: bool = True, **data: Any
) -> EmploymentSpell:
    """Correct a spell (a wrong date or hours); what changed is audited and outcomes follow."""
    spell = EmploymentSpell.objects.select_for_update().get(pk=spell.pk)
    merged = {name: data.get(name, getattr(spell, name)) for name in SPELL_FIELDS}
    _check_spell(merged, spell.person)
    before = {name: str(getattr(spell, name)) for name in SPELL_FIELDS}
    for name, value in merged.items():
        setattr(spell, name, value)
    spell.updated_at = timezone.now()
    spell.save()
    after = {name: str(getattr(spell, name)) for name in SPELL_FIELDS}
    changed = audit.changes(before, after)
    if changed:
        _spell_event(
            actor,
            spell,
            "work.spell_corrected",
            {"changes": changed},
            f"Work of {spell.person} corrected: {', '.join(k.replace('_', ' ') for k in changed)}",
        )
    if recompute:
        recompute_household(spell.person.household)
    return spell


@transaction.atomic
def change_hours(
    *, actor: Any, spell: EmploymentSpell, from_date: dt.date, hours_per_week: Decimal
) -> EmploymentSpell:
    """Hours change from a date: the spell ends the day before and a new one begins."""
    spell = EmploymentSpell.objects.select_for_update().get(pk=spell.pk)
    if from_date is None or from_date <= spell.start_date:
        raise RuleError({"from_date": "The change must be after the spell's first day"})
    if spell.end_date is not None and from_date > spell.end_date:
        raise RuleError({"from_date": "The change must be on or before the spell's last day"})
    new = {name: getattr(spell, name) for name in SPELL_FIELDS}
    new.update(start_date=from_date, hours_per_week=hours_per_week)
    _check_spell(new, spell.person)
    # Both writes first, then one recompute: the work never looks interrupted.
    correct_spell(
        actor=actor, spell=spell, end_date=from_date - dt.timedelta(days=1), recompute=False
    )
    later = record_spell(actor=actor, person=spell.person, recompute=False, **new)
    recompute_household(spell.person.household)
    return later


# --- evidence and verification ------------------------------------------------------------------


def _locked(outcome: Outcome) -> Outcome:
    return (
        Outcome.objects.select_for_update()
        .select_related("household__programme")
        .get(pk=outcome.pk)
    )


def _outcome_note(outcome: Outcome, actor: Any, verb: str, summary: str, data: dict) -> None:
    audit.record(
        actor=actor, verb=verb, target=outcome, programme=outcome.household.programme, data=data
    )
    TimelineEntry.objects.create(
        household=outcome.household,
        on=timezone.localdate(),
        kind="outcome",
        summary=summary[:500],
        actor=actor,
    )


@transaction.atomic
def record_evidence(*, actor: Any, outcome: Outcome, evidence: str, note: str = "") -> Outcome:
    """Evidence seen or held for an outcome (a payslip, a letter…): achieved -> evidenced."""
    outcome = _locked(outcome)
    if outcome.status == Outcome.Status.WITHDRAWN:
        raise RuleError({"evidence": "This outcome was withdrawn: it cannot be evidenced"})
    fits = dict(outcome.evidence_choices())
    if evidence not in fits:
        raise RuleError(
            {
                "evidence": f"Choose the evidence held: for {outcome.get_kind_display().lower()},"
                f" {' or '.join(label.lower() for label in fits.values())}"
            }
        )
    if (
        currently_claimed(Outcome.objects.filter(pk=outcome.pk)).exists()
        or ParticipantPayment.objects.filter(outcome=outcome).exists()
    ):
        raise RuleError(
            {"evidence": "This outcome has been claimed or paid: its evidence cannot change"}
        )
    outcome.evidence, outcome.evidence_note = evidence, note.strip()[:500]
    outcome.evidenced_by, outcome.evidenced_at = actor, timezone.now()
    if outcome.status == Outcome.Status.VERIFIED:
        outcome.verified_by = outcome.verified_at = None  # new evidence needs checking again
    outcome.status = Outcome.Status.EVIDENCED
    outcome.save()
    _outcome_note(
        outcome,
        actor,
        "outcome.evidenced",
        f"{outcome.get_kind_display()} evidenced: {outcome.get_evidence_display().lower()}",
        {"evidence": evidence, "note": outcome.evidence_note},
    )
    return outcome


def may_verify(user: Any, outcome: Outcome) -> bool:
    household = outcome.household
    if user.role == Role.TEAM_MANAGER:
        return (
            household.organisation_id is not None
            and household.organisation_id == user.organisation_id
        )
    return (
        user.role == Role.PROGRAMME_MANAGER
        and user.programmes.filter(pk=household.programme_id).exists()
    )


@transaction.atomic
def verify(*, actor: Any, outcome: Outcome) -> Outcome:
    """A manager checked the evidence: evidenced -> verified. Never the person who recorded the
    evidence or the work it rests on."""
    outcome = _locked(outcome)
    if not may_verify(actor, outcome):
        raise RuleError(
            {"outcome": "Only the household's team manager or a programme manager can verify"}
        )
    if outcome.status != Outcome.Status.EVIDENCED:
        raise RuleError(
            {
                "outcome": f"Only an evidenced outcome can be verified; this one is {outcome.get_status_display().lower()}"
            }
        )
    recorders = set(
        EmploymentSpell.objects.filter(pk__in=outcome.basis.get("spells", [])).values_list(
            "recorded_by", flat=True
        )
    )
    if actor.pk == outcome.evidenced_by_id or actor.pk in recorders:
        raise RuleError(
            {
                "outcome": "You recorded this outcome's evidence or work: another manager must verify it"
            }
        )
    outcome.status = Outcome.Status.VERIFIED
    outcome.verified_by, outcome.verified_at = actor, timezone.now()
    outcome.save(update_fields=["status", "verified_by", "verified_at"])
    _outcome_note(
        outcome, actor, "outcome.verified", f"{outcome.get_kind_display()} verified by {actor}", {}
    )
    return outcome


# --- claims and participant payments ----------------------------------------------------------------


def payments_of(programme: Programme, payee: str) -> dict[str, int]:
    """{outcome kind: pence} of the programme's outcome payments to `payee`."""
    from pathways.core.money import parse_pounds

    return {
        p["outcome"]: parse_pounds(p["amount"])
        for p in programme.outcome_payments or []
        if p.get("payee") == payee
    }


CLAIMABLE = [Kind.JOB_OUTCOME, Kind.SUSTAINED_13, Kind.SUSTAINED_26]


def _with_claim_counts(outcomes: Any) -> Any:
    return outcomes.annotate(
        claims=Count("claim_lines", filter=Q(claim_lines__kind=ClaimLine.Kind.CLAIM)),
        reversals=Count("claim_lines", filter=Q(claim_lines__kind=ClaimLine.Kind.REVERSAL)),
    )


def currently_claimed(outcomes: Any) -> Any:
    """Of these outcomes, those in a claim that has not been reversed."""
    return _with_claim_counts(outcomes).filter(claims__gt=F("reversals"))


def claimable(programme: Programme, start: dt.date, end: dt.date) -> tuple[Any, Any]:
    """What a claim for the period would hold: verified job and sustained outcomes achieved in
    it that are not claimed now (never claimed, or claimed and reversed since), and a reversal
    for every claimed outcome since withdrawn (worked out from the claim lines, not a flag)."""
    new = (
        _with_claim_counts(
            Outcome.objects.filter(
                programme=programme,
                kind__in=CLAIMABLE,
                status=Outcome.Status.VERIFIED,
                achieved_on__gte=start,
                achieved_on__lte=end,
            )
        )
        .filter(claims=F("reversals"))
        .select_related("person", "household")
        .order_by("achieved_on", "pk")
    )
    reversals = (
        currently_claimed(
            Outcome.objects.filter(programme=programme, status=Outcome.Status.WITHDRAWN)
        )
        .select_related("person", "household")
        .order_by("pk")
    )
    return new, reversals


@transaction.atomic
def make_claim(
    *, actor: Any, programme: Programme, funder: str, start: dt.date, end: dt.date
) -> Claim:
    """Claim every claimable outcome of the period, once. Two managers at once: the programme row
    is locked first, then the outcomes (so a recompute cannot change them half-way), and the
    database refuses a second claim of any outcome in the same round."""
    if (
        actor.role != Role.PROGRAMME_MANAGER
        or not actor.programmes.filter(pk=programme.pk).exists()
    ):
        raise RuleError({"programme": "Only the programme's managers can make a claim"})
    if end < start:
        raise RuleError({"end": "The end of the period must be on or after its start"})
    if not funder.strip():
        raise RuleError({"funder": "Enter the funder"})
    Programme.objects.select_for_update().get(pk=programme.pk)
    candidates = [o.pk for group in claimable(programme, start, end) for o in group]
    list(Outcome.objects.select_for_update().filter(pk__in=candidates).values_list("pk"))
    new, reversals = (list(group) for group in claimable(programme, start, end))  # as locked
    amounts = payments_of(programme, "provider")
    if not new and not reversals:
        raise RuleError(
            {"period": "Nothing to claim: no verified outcome of this period is unclaimed"}
        )
    own = sum(1 for o in new if o.verified_by_id == actor.pk)
    if own:
        # Four eyes: whoever verifies an outcome does not also claim the money for it.
        raise RuleError(
            {
                "period": f"You verified {own} of these outcomes yourself: another programme "
                "manager must make this claim"
            }
        )
    claim = Claim.objects.create(
        programme=programme,
        funder=funder.strip(),
        period_start=start,
        period_end=end,
        made_by=actor,
    )
    claimed_lines = {
        (line.outcome_id, line.cycle): line.amount_pence
        for line in ClaimLine.objects.filter(outcome__in=reversals, kind=ClaimLine.Kind.CLAIM)
    }
    try:
        with transaction.atomic():
            ClaimLine.objects.bulk_create(
                [
                    ClaimLine(
                        claim=claim,
                        outcome=o,
                        cycle=o.claims + 1,
                        amount_pence=amounts.get(o.kind, 0),
                        verified_on=timezone.localdate(o.verified_at) if o.verified_at else None,
                    )
                    for o in new
                ]
                + [
                    ClaimLine(
                        claim=claim,
                        outcome=o,
                        kind=ClaimLine.Kind.REVERSAL,
                        cycle=o.claims,
                        amount_pence=-claimed_lines.get((o.pk, o.claims), 0),
                    )
                    for o in reversals
                ]
            )
    except IntegrityError:
        raise RuleError(
            {"period": "Some of these outcomes were claimed by someone else just now: try again"}
        ) from None
    Outcome.objects.filter(pk__in=[o.pk for o in reversals]).update(reversal_due=False)
    audit.record(
        actor=actor,
        verb="claim.made",
        target=claim,
        programme=programme,
        data={"outcomes": [o.pk for o in new], "reversals": [o.pk for o in reversals]},
    )
    return claim


def payments_due(programme: Programme) -> Any:
    """Verified outcomes with a payment to the participant that has not been paid."""
    kinds = payments_of(programme, "participant")
    return (
        Outcome.objects.filter(programme=programme, kind__in=kinds, status=Outcome.Status.VERIFIED)
        .filter(participant_payment__isnull=True)
        .select_related("person", "household")
        .order_by("achieved_on", "pk")
    )


def paid_then_withdrawn(programme: Programme) -> Any:
    """Outcomes paid to the participant that no longer hold: for the programme team to review."""
    return (
        Outcome.objects.filter(
            programme=programme,
            status=Outcome.Status.WITHDRAWN,
            participant_payment__isnull=False,
        )
        .select_related("person", "household", "participant_payment")
        .order_by("pk")
    )


@transaction.atomic
def record_payment(*, actor: Any, outcome: Outcome, paid_on: dt.date) -> ParticipantPayment:
    """The participant was paid for this outcome: once only."""
    outcome = _locked(outcome)
    amount = payments_of(outcome.household.programme, "participant").get(outcome.kind)
    if amount is None:
        raise RuleError({"outcome": "This programme makes no payment for this outcome"})
    if outcome.status != Outcome.Status.VERIFIED:
        raise RuleError({"outcome": "Only a verified outcome can be paid"})
    if ParticipantPayment.objects.filter(outcome=outcome).exists():
        raise RuleError({"outcome": "This payment has been recorded already"})
    payment = ParticipantPayment.objects.create(
        outcome=outcome, amount_pence=amount, paid_on=paid_on, paid_by=actor
    )
    _outcome_note(
        outcome,
        actor,
        "outcome.participant_paid",
        f"{pounds(amount)} paid to {outcome.person} for {outcome.get_kind_display().lower()}",
        {"amount_pence": amount},
    )
    return payment
