"""Reading spans: each participant's first and latest star readings, point by point, kept as rows
beside the outcomes so the reports can read them without working them out again."""

from __future__ import annotations

from pathways.assessments.models import InstrumentPoint
from pathways.outcomes import rules
from pathways.outcomes.facts import PersonFacts
from pathways.outcomes.models import PointChange, ReadingSpan
from pathways.programmes.models import Programme


def keep_spans(
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
