"""The board's Table 6 counts progress measures as programmes.md says, with no interval between
the first and latest readings, while a progress measure *outcome* needs the programme's
`progress_measure_min_days` (docs/outcomes.md): two readings on one day count in the table and
make no outcome."""

from __future__ import annotations

import datetime as dt

import pytest

from pathways.assessments import services as assessments
from pathways.assessments.models import Instrument
from pathways.conftest import World
from pathways.households.models import Household
from pathways.outcomes.models import Outcome
from pathways.reporting.progress import progress_figures
from pathways.reporting.scope import make_scope

pytestmark = pytest.mark.django_db


def test_table_6_counts_two_readings_on_one_day_that_make_no_outcome(world: World) -> None:
    person = world.household_k.members.get()
    star = Instrument.objects.get(code="progress-star")
    codes = list(star.points.filter(kind="scale").values_list("code", flat=True))
    on = dt.date(2018, 5, 1)
    for raised in (set(), {"money", "work"}):
        assessments.record_reading(
            actor=world.advocate_k,
            person=person,
            instrument=star,
            date=on,
            scores={code: (3 if code in raised else 2, None) for code in codes},
        )
    assert not Outcome.objects.filter(person=person, kind=Outcome.Kind.PROGRESS).exists()
    scope = make_scope(world.hiw, Household.objects.all(), date_to=dt.date(2019, 3, 31))
    assert progress_figures(scope)["progress_measures"] == 2
