"""The facts the rules read, loaded for a batch of households in a handful of queries, and the
outcomes the rules find in them.

Each participant of a started household gets their spells of work, their first and latest star
readings up to the day, and their completed activities, as the plain values `outcomes.rules`
takes (`facts_of`); `outcomes_of` applies the programme's measures to them. Nothing here writes:
`outcomes.engine` keeps what is found.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field

from pathways.assessments.models import Instrument, InstrumentPoint, Reading, Score
from pathways.casework.models import Activity
from pathways.households.models import Person
from pathways.households.participation import participating
from pathways.outcomes import rules
from pathways.outcomes.models import EmploymentSpell, Outcome
from pathways.programmes.models import Programme

Kind = Outcome.Kind


@dataclass
class PersonFacts:
    person_id: int
    household_id: int
    start: dt.date
    spells: list[rules.Spell] = field(default_factory=list)
    readings: list[rules.ReadingFacts] = field(default_factory=list)
    activities: list[rules.ActivityFacts] = field(default_factory=list)


def facts_of(
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
