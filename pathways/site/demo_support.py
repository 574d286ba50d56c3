"""What happens to a demo household on the programme: contacts, Star readings and action plans,
spending from its budget, moves into work, and the next visit in the advocate's diary.

Each takes the demo's one random stream, in the order the demo has always drawn from it.
"""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal

from django.utils import timezone

from pathways.accounts.models import User
from pathways.assessments import services as assessments
from pathways.assessments.models import Instrument
from pathways.budgets import spend_requests
from pathways.casework import action_plans
from pathways.casework import services as casework
from pathways.core.exceptions import RuleError
from pathways.households.models import Household
from pathways.outcomes.spells import change_hours, record_spell


def support(
    rng: random.Random,
    household: Household,
    advocate: User,
    manager: User | None,
    start: dt.date,
    until: dt.date,
) -> None:
    """Everything from the start of support until a day: contacts, readings and plans,
    spending and work."""
    _contacts(rng, household, advocate, start, until)
    _readings_and_plans(rng, household, advocate, start, until)
    _spending(rng, household, advocate, manager, start, until)
    _work(rng, household, advocate, start, until)


def book_next_visit(
    rng: random.Random, household: Household, advocate: User, today: dt.date
) -> None:
    """The next visit, in the advocate's diary (for most households still on the programme)."""
    if rng.random() >= 0.6:
        return
    day = today + dt.timedelta(days=rng.randint(1, 20))
    casework.book_appointment(
        actor=advocate,
        household=household,
        starts_at=timezone.make_aware(
            dt.datetime.combine(day, dt.time(rng.choice([10, 11, 14, 15])))
        ),
        method=rng.choice(["home_visit", "office", "outreach"]),
        purpose=rng.choice(["Star reading", "Job search", "Budget review", "Catch-up"]),
    )


# What households spend their budget on, and what it costs: (category, supplier, what, £ low-high)
SPENDING = [
    ("travel", "Merseytravel", "Bus pass for the first month of work", 40, 80),
    ("childcare", "Little Stars Nursery", "Childcare during a training course", 120, 400),
    ("clothing", "Matalan", "Clothes for an interview", 30, 90),
    ("documents_checks", "DBS", "Basic DBS check", 18, 18),
    ("documents_checks", "General Register Office", "Birth certificate", 11, 11),
    ("household_goods", "Argos", "Washing machine", 180, 320),
    ("digital", "Currys", "Refurbished laptop for job search", 150, 280),
    ("training", "Local college", "Food hygiene certificate", 20, 60),
]


def _spending(
    rng: random.Random,
    household: Household,
    advocate: User,
    manager: User | None,
    start: dt.date,
    until: dt.date,
) -> None:
    """A few spends from the household's budget; larger ones approved by the team manager, and
    now and then one still waiting for approval."""
    if not hasattr(household, "budget") or (until - start).days < 7:
        return
    for _ in range(rng.randint(0, 4)):
        category, supplier, what, low, high = rng.choice(SPENDING)
        on = start + dt.timedelta(days=rng.randint(3, max(3, (until - start).days)))
        amount = rng.randint(low, high) * 100 + rng.choice([0, 0, 49, 99])
        try:
            request = spend_requests.request_spend(
                actor=advocate,
                household=household,
                category=category,
                amount_pence=amount,
                supplier=supplier,
                description=what,
                on=on,
            )
            if request.status == "requested":
                if manager is None or rng.random() < 0.3:
                    continue  # waiting in the manager's Approvals
                spend_requests.approve(actor=manager, request=request, on=on)
            if rng.random() < 0.85:
                spend_requests.pay(actor=advocate, request=request, on=on)
        except RuleError:
            return  # the budget is spent


EMPLOYERS = [
    ("Merseyside Care Homes", "Care assistant"),
    ("Knowsley Logistics", "Warehouse operative"),
    ("Liverpool City Cafe", "Kitchen assistant"),
    ("Wirral Cleaning Services", "Cleaner"),
    ("St Helens Retail Park", "Sales assistant"),
    ("Sefton Council", "School crossing patrol"),
]


def _work(
    rng: random.Random, household: Household, advocate: User, start: dt.date, until: dt.date
) -> None:
    """About one household in four has someone move into work, at hours that may or may not
    count; now and then the hours change."""
    if rng.random() > 0.27 or (until - start).days < 40:
        return
    person = next((p for p in household.members.all() if p.is_adult), None)
    if person is None:
        return
    employer, title = rng.choice(EMPLOYERS)
    first = start + dt.timedelta(days=rng.randint(20, max(20, (until - start).days - 10)))
    last = first + dt.timedelta(days=rng.choice([14, 40, 120, 400]))
    spell = record_spell(
        actor=advocate,
        person=person,
        employer=employer,
        job_title=title,
        start_date=first,
        end_date=last if last < until else None,
        hours_per_week=Decimal(rng.choice([12, 16, 20, 25, 30, 37.5])),
        evidence=rng.choice(["payslip", "employer_letter", "self_declaration", ""]),
    )
    change = first + dt.timedelta(days=60)
    if spell.end_date is None and change < until and rng.random() < 0.3:
        change_hours(actor=advocate, spell=spell, from_date=change, hours_per_week=Decimal(30))


def _contacts(
    rng: random.Random, household: Household, advocate: User, start: dt.date, until: dt.date
) -> None:
    """Contacts from the start: most households seen lately, some not for a month or more,
    and a few new ones not contacted yet."""
    pattern = rng.random()
    if (until - start).days < 15:
        return  # a new allocation, not yet contacted
    gap = rng.randint(35, 80) if pattern < 0.2 else rng.randint(0, 25)
    last = max(start, until - dt.timedelta(days=gap))
    day = start
    while day < last:
        casework.record_contact(
            actor=advocate,
            household=household,
            date=day,
            method=rng.choice(["home_visit", "phone", "office", "outreach", "text"]),
        )
        day += dt.timedelta(days=rng.randint(10, 35))
    casework.record_contact(actor=advocate, household=household, date=last, method="phone")


STAR_POINTS = (
    "stability",
    "money",
    "physical_health",
    "emotional_wellbeing",
    "family",
    "self_esteem",
    "skills",
    "work",
)
ACTIVITIES = (
    ("money_advice", "Money advice appointment", "money", None),
    ("course", "Confidence course", "self_esteem", 12),
    ("course", "Food hygiene certificate", "skills", 6),
    ("job_search", "Apply for three jobs", "work", None),
    ("health", "See the GP about sleep", "physical_health", None),
    ("volunteering", "Volunteer at the food bank", "work", 20),
)


def _readings_and_plans(
    rng: random.Random, household: Household, advocate: User, start: dt.date, until: dt.date
) -> None:
    """Star readings about every 12 weeks that mostly improve, and a few activities (some
    done, some overdue) for each adult taking part."""
    instrument = Instrument.objects.get(code="progress-star")
    for person in household.members.filter(role__in=["primary", "partner", "adult"]):
        scores = {code: rng.randint(1, 3) for code in STAR_POINTS}
        day = start
        while day <= until and rng.random() > 0.1:
            assessments.record_reading(
                actor=advocate,
                person=person,
                instrument=instrument,
                date=day,
                scores={code: (value, None) for code, value in scores.items()},
            )
            scores = {
                c: max(1, min(5, v + rng.choice([-1, 0, 0, 1, 1]))) for c, v in scores.items()
            }
            day += dt.timedelta(weeks=rng.choice([10, 12, 12, 13, 16]))
        for activity_type, title, point, hours in rng.sample(ACTIVITIES, k=rng.randint(0, 3)):
            agreed = start + dt.timedelta(days=rng.randint(0, max(0, (until - start).days)))
            due = agreed + dt.timedelta(days=rng.randint(7, 60))
            activity = action_plans.add_activity(
                actor=advocate,
                person=person,
                activity_type=activity_type,
                title=title,
                star_point=point,
                hours=hours,
                agreed_date=agreed,
                due_date=due,
            )
            if due <= until and rng.random() < 0.7:
                action_plans.update_activity(
                    actor=advocate, activity=activity, status="completed", completed_date=due
                )
