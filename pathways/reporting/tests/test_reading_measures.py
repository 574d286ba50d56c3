"""The reports' star measures (readings.py: the kept outcomes for people with no reading after
the report date, one SQL statement for the rest) agree with the outcome rules (`outcomes.rules`,
one implementation of each measure) over any readings and any report date: first and latest
readings, ties on a date, superseded readings, points left unscored, readings after the report
date. The distance-travelled SQL, which reads every person's readings, is held to them too."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pathways.assessments.models import Instrument, Reading, Score
from pathways.conftest import World
from pathways.households.models import Household
from pathways.outcomes import rules
from pathways.outcomes.engine import recompute_household
from pathways.reporting import readings
from pathways.reporting.scope import make_scope

START = dt.date(2018, 4, 20)  # the world's households start then

score = st.one_of(
    st.tuples(st.integers(1, 5), st.none()),  # the worker's score
    st.tuples(st.none(), st.integers(1, 5)),  # the participant's only
    st.tuples(st.integers(1, 5), st.integers(1, 5)),  # both: the worker's counts
    st.none(),  # not scored
)
a_reading = st.fixed_dictionaries(
    {
        "day": st.integers(0, 200),
        "superseded": st.sampled_from([False, False, False, True]),
        "scores": st.lists(score, min_size=8, max_size=8),
    }
)


def _facts(stored: list[tuple[Reading, dict[str, int]]]) -> list[rules.ReadingFacts]:
    return [rules.ReadingFacts(r.pk, r.date, scores) for r, scores in stored if not r.superseded]


@pytest.mark.django_db
@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    people=st.lists(st.lists(a_reading, max_size=4), min_size=3, max_size=3),
    report_day=st.integers(0, 250),
    recomputed=st.lists(st.booleans(), min_size=3, max_size=3),
)
def test_readings_sql_agrees_with_the_outcome_rules(
    world: World, people: list[list[dict[str, Any]]], report_day: int, recomputed: list[bool]
) -> None:
    star = Instrument.objects.get(code="progress-star")
    points = list(star.points.filter(kind="scale").order_by("order"))
    report_date = START + dt.timedelta(days=report_day)
    measures = rules.Measures.of(world.hiw.measures or {})
    households = [world.household_k, world.household_k2, world.household_l]
    with transaction.atomic():
        expected_households, expected_people, expected_points = set(), 0, 0
        expected_moved = 0
        for household, made, kept in zip(households, people, recomputed, strict=True):
            person = household.members.get()
            stored = []
            for facts in made:
                found = Reading.objects.create(
                    person=person,
                    instrument=star,
                    date=START + dt.timedelta(days=facts["day"]),
                    superseded=facts["superseded"],
                )
                values = {}
                for point, pair in zip(points, facts["scores"], strict=True):
                    if pair is None:
                        continue
                    Score.objects.create(
                        reading=found, point=point, worker=pair[0], participant=pair[1]
                    )
                    values[point.code] = pair[0] if pair[0] is not None else pair[1]
                stored.append((found, values))
            # As the services do after any change (or not yet: readings bulk-loaded).
            if kept:
                recompute_household(household)
            history = _facts(stored)
            if rules.significant_improvement(history, report_date=report_date, measures=measures):
                expected_households.add(household.pk)
                expected_people += 1
            progress = rules.progress_measures(history, report_date=report_date)
            expected_points += progress.quantity if progress else 0
            expected_moved += 1 if progress else 0

        scope = make_scope(world.hiw, Household.objects.all(), date_to=report_date)
        found = readings.improvement_by_group(scope).get("all", {})
        assert found.get("significant_households", 0) == len(expected_households)
        assert found.get("significant_people", 0) == expected_people
        assert found.get("progress_measures", 0) == expected_points
        travelled = readings.distance_travelled(scope)
        assert travelled["moved_up_anywhere"] == expected_moved
        assert sum(p["moved_up"] for p in travelled["by_point"].values()) == expected_points
        transaction.set_rollback(True)
