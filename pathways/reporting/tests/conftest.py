"""A small Households into Work programme built by hand, where every figure of every table is
known (worked out in the comments), as at 31 December 2018.

Knowsley                                    Liverpool
  H1 (household_k), started 20 Apr 2018       H3 (household_l), started 20 Apr 2018
    Ann, 32 at start (26-35), 36m+ out of       Dee, 58 at start (56-65), 0-6m, no needs;
    work, mental health and carer; star         referred by Jobcentre Plus
    readings 2 -> 3 on three points after     H4, referred 1 Jun 2018 by Jobcentre Plus,
    59 days (significant improvement, 3         not started
    progress measures); 28 days in work
    by 17 May 2018 (a job outcome); a
    child and a partner who does not take
    part; Jobcentre Plus
  H2 (household_k2), started 20 Apr 2018
    Cal, 18 at start (16-25), never worked,
    lone parent; a 6-hour course completed
    (a positive outcome), a 3-hour course
    and a work-related activity completed,
    a course completed after the report date; self-referred
  H6, started 1 May 2018 but typed in today (a back-dated record), Fay, 28 at
    start (26-35), time since work not recorded; council
  H5, started 1 Jun 2019, after the report date: not counted

Report date 31 Dec 2018: started 4 (3 Knowsley, 1 Liverpool); participants 4.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import pytest

from pathways.assessments import services as assessments
from pathways.assessments.models import Instrument
from pathways.budgets.allocation import allocate
from pathways.casework import action_plans
from pathways.conftest import World
from pathways.households.models import Household, Person
from pathways.households.tests.factories import HouseholdFactory, PersonFactory
from pathways.outcomes.spells import record_spell

START = dt.date(2018, 4, 20)
REPORT_DATE = dt.date(2018, 12, 31)


def day(n: int) -> dt.date:
    return START + dt.timedelta(days=n)


@dataclass
class Tiny:
    world: World
    ann: Person
    cal: Person
    dee: Person
    fay: Person
    back_dated: Household
    later: Household


def _person(household: Household, **facts: Any) -> Person:
    person = household.members.get()
    for name, value in facts.items():
        setattr(person, name, value)
    person.save()
    return person


@pytest.fixture
def tiny(world: World) -> Tiny:
    hiw, knowsley = world.hiw, world.knowsley
    h1, h2, h3 = world.household_k, world.household_k2, world.household_l
    for household, source in ((h1, "jobcentre_plus"), (h2, "self"), (h3, "jobcentre_plus")):
        household.referral_source = source
        household.save()
    ann = _person(
        h1,
        date_of_birth=dt.date(1985, 6, 1),
        time_since_work="36m+",
        support_needs=["mental_health", "carer"],
        gender="female",
    )
    PersonFactory(household=h1, role=Person.Role.CHILD, date_of_birth=dt.date(2012, 1, 1))
    PersonFactory(household=h1, role=Person.Role.PARTNER, participant=False)
    cal = _person(
        h2,
        date_of_birth=dt.date(2000, 1, 1),
        time_since_work="never",
        support_needs=["lone_parent"],
        gender="male",
    )
    dee = _person(h3, date_of_birth=dt.date(1960, 3, 1), time_since_work="0-6m", support_needs=[])

    referred = HouseholdFactory(
        programme=hiw,
        organisation=world.liverpool,
        advocate=world.advocate_l,
        status=Household.Status.REFERRED,
        referral_date=dt.date(2018, 6, 1),
        start_date=None,
        allocated_on=None,
        referral_source="jobcentre_plus",
    )
    PersonFactory(household=referred)
    later = HouseholdFactory(
        programme=hiw,
        organisation=knowsley,
        advocate=world.advocate_k,
        referral_date=dt.date(2019, 5, 1),
        start_date=dt.date(2019, 6, 1),
        referral_source="self",
    )
    PersonFactory(household=later, time_since_work="never")
    # Typed in today, about a household that started on 1 May 2018.
    back_dated = HouseholdFactory(
        programme=hiw,
        organisation=knowsley,
        advocate=world.advocate_k,
        referral_date=dt.date(2018, 4, 25),
        start_date=dt.date(2018, 5, 1),
        referral_source="council",
    )
    fay = PersonFactory(household=back_dated, date_of_birth=dt.date(1990, 1, 1))
    allocate(actor=None, household=back_dated, on=back_dated.start_date)

    star = Instrument.objects.get(code="progress-star")
    points = list(star.points.filter(kind="scale").order_by("order").values_list("code", flat=True))
    assessments.record_reading(
        actor=world.advocate_k,
        person=ann,
        instrument=star,
        date=day(1),
        scores=dict.fromkeys(points, (2, None)),
    )
    assessments.record_reading(
        actor=world.advocate_k,
        person=ann,
        instrument=star,
        date=day(60),
        scores={p: (3 if i < 3 else 2, None) for i, p in enumerate(points)},
    )
    # Cal has one reading only: no distance travelled.
    assessments.record_reading(
        actor=world.advocate_k,
        person=cal,
        instrument=star,
        date=day(2),
        scores=dict.fromkeys(points, (1, None)),
    )
    record_spell(
        actor=world.advocate_k,
        person=ann,
        employer="Acme Ltd",
        start_date=day(0),
        end_date=day(40),
        hours_per_week=Decimal("20"),
        evidence="payslip",
    )
    for kind, title, hours, done in (
        ("course", "Food hygiene", Decimal(6), day(12)),
        ("course", "First aid taster", Decimal(3), day(14)),
        ("work_related", "Work trial", None, day(20)),
        ("course", "Forklift licence", Decimal(20), dt.date(2019, 2, 1)),
    ):
        action_plans.add_activity(
            actor=world.advocate_k,
            person=cal,
            activity_type=kind,
            title=title,
            hours=hours,
            agreed_date=day(5),
            completed_date=done,
        )
    return Tiny(world, ann, cal, dee, fay, back_dated, later)
