"""About 150 invented households across the six authorities, at every stage of the journey.

They are made the way users make them, through the services: a referral, eligibility,
consent, the start, contacts, reassignment, the end of support. Dates are relative to today,
so the caseload always has something to show: new allocations not yet contacted, households
not seen for a month, support ending soon. The same seed gives the same households.
"""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal
from typing import Any

from django.utils import timezone

from pathways.accounts.models import User
from pathways.areas.models import LocalAuthority
from pathways.assessments import services as assessments
from pathways.assessments.models import Instrument
from pathways.budgets import spend_requests
from pathways.casework import action_plans
from pathways.casework import services as casework
from pathways.core.exceptions import RuleError
from pathways.core.roles import Role
from pathways.exchange.invented import (  # invented names, real districts
    DISTRICTS,
    FAMILY,
    GIVEN,
    lsoas_by_need,
)
from pathways.households import consent, enrolment, referrals
from pathways.households.codes import (
    DebtBand,
    ExitReason,
    IncomeBand,
    ReferralSource,
    SupportNeed,
    Tenure,
    TimeSinceWork,
)
from pathways.households.models import Household
from pathways.outcomes.engine import recompute_once_at_the_end
from pathways.outcomes.spells import change_hours, record_spell
from pathways.programmes.models import Programme

STREETS = (
    "Example Street",
    "Sample Road",
    "Demo Avenue",
    "Pretend Lane",
    "Invented Close",
    "Imaginary Way",
)
TOWNS = {
    "E06000006": "Widnes",
    "E08000011": "Huyton",
    "E08000012": "Liverpool",
    "E08000013": "St Helens",
    "E08000014": "Bootle",
    "E08000015": "Birkenhead",
}
HOUSEHOLDS = 150
# Invented referring organisations, one for each route.
REFERRERS = {
    "jobcentre_plus": "Jobcentre Plus (demo office)",
    "council": "Council family support team (demo)",
    "childrens_centre": "Sure Start children's centre (demo)",
    "housing_provider": "Demo Homes housing association",
    "nhs": "GP practice (demo)",
    "third_sector": "Demo Community Trust",
    "other_agency": "Citizens advice (demo)",
}
NEEDS = [
    SupportNeed.MENTAL_HEALTH,
    SupportNeed.PARENT,
    SupportNeed.CARER,
    SupportNeed.CHRONIC_HEALTH,
    SupportNeed.LONE_PARENT,
    SupportNeed.HOMELESS,
    SupportNeed.LEARNING_DISABILITY,
    SupportNeed.ESOL,
]


def _postcode(rng: random.Random, code: str) -> str:
    district = rng.choice(DISTRICTS[code])
    return f"{district} {rng.randint(1, 9)}{rng.choice('ABDEFGHJLNPQRSTUWXYZ')}{rng.choice('ABDEFGHJLNPQRSTUWXYZ')}"


def _lsoa(code: str, index: int) -> str:
    """An LSOA of the authority, more likely where need is greater (its own random stream: the
    rest of the demo is as it was)."""
    weights = lsoas_by_need().get(code)
    if not weights:
        return ""
    where = random.Random(f"demo:{index}:lsoa")  # noqa: S311 - invented demo data
    return where.choices(list(weights), weights=list(weights.values()))[0]


def _adult(
    rng: random.Random, family: str, role: str, today: dt.date, *, working: bool = False
) -> dict[str, Any]:
    age = rng.randint(18, 62)
    born = today - dt.timedelta(days=age * 365 + rng.randint(0, 364))
    return {
        "given_name": rng.choice(GIVEN),
        "family_name": family,
        "role": role,
        "date_of_birth": born,
        "work_status": "part_time" if working else "out_of_work",
        "time_since_work": rng.choice(TimeSinceWork.values[:-1]),
        "gender": rng.choice(["female", "male", "female", "male", "not_stated"]),
        "benefits": [rng.choice(["universal_credit", "esa", "jsa", "pip"])],
        "support_needs": rng.sample([str(n) for n in NEEDS], k=rng.randint(0, 3)),
    }


def _members(rng: random.Random, today: dt.date, *, eligible: bool) -> list[dict[str, Any]]:
    family = rng.choice(FAMILY)
    members = [
        _adult(rng, family, "primary", today),
        _adult(rng, family, rng.choice(["partner", "adult"]), today, working=not eligible),
    ]
    for _ in range(rng.choice([0, 0, 1, 1, 2, 3])):
        members.append(
            {
                "given_name": rng.choice(GIVEN),
                "family_name": family,
                "role": "child",
                "date_of_birth": today - dt.timedelta(days=rng.randint(200, 15 * 365)),
            }
        )
    return members


def create_demo_households(
    programme: Programme, *, seed: int = 2026, count: int = HOUSEHOLDS
) -> int:
    """Create the demo households if the programme has none yet; return how many exist.

    Every sixty households give each of the six authorities one at every stage."""
    if programme.households.exists():
        return programme.households.count()
    rng = random.Random(seed)  # noqa: S311 - invented demo data, not security
    today = timezone.localdate()
    authorities = list(LocalAuthority.objects.filter(code__in=DISTRICTS).order_by("code"))
    advocates = {
        la.code: list(
            User.objects.filter(role=Role.ADVOCATE, organisation__local_authority=la).order_by(
                "username"
            )
        )
        for la in authorities
    }
    managers = {
        la.code: User.objects.filter(
            role=Role.TEAM_MANAGER, organisation__local_authority=la
        ).first()
        for la in authorities
    }
    programme_manager = User.objects.filter(
        role=Role.PROGRAMME_MANAGER, programmes=programme
    ).first()
    for index in range(count):
        la = authorities[index % len(authorities)]
        team = advocates[la.code]
        advocate = team[(index // len(authorities)) % len(team)] if team else None
        stage = _stage(index // len(authorities))  # every authority gets every stage
        # A household's outcomes are worked out once its story is told, not after every
        # reading and activity in it (the same outcomes, in half the time).
        with recompute_once_at_the_end():
            _make(
                rng,
                programme,
                la,
                advocate,
                managers[la.code] or programme_manager,
                stage,
                today,
                index,
            )
    _outside_the_area(rng, programme, today)
    return programme.households.count()


def _stage(index: int) -> str:
    """Spread the stages: most on the programme, some referred, ended, declined."""
    cycle = index % 10
    stages = {0: "referred", 1: "ended", 2: "ended", 3: "closed", 4: "new", 9: "ending_soon"}
    return stages.get(cycle, "started")


def _make(
    rng: random.Random,
    programme: Programme,
    la: LocalAuthority,
    advocate: User | None,
    manager: User | None,
    stage: str,
    today: dt.date,
    index: int,
) -> None:
    if stage == "ended":
        start = today - dt.timedelta(days=rng.randint(200, 420))
    elif stage == "ending_soon":
        start = today - dt.timedelta(days=365 - rng.randint(5, 50))
    elif stage == "new":
        start = today - dt.timedelta(days=rng.randint(1, 14))
    elif stage in ("started", "closed"):
        start = today - dt.timedelta(days=rng.randint(3, 300))
    else:
        start = today - dt.timedelta(days=rng.randint(1, 20))
    referral_date = start - dt.timedelta(days=rng.randint(2, 21))
    eligible = stage != "closed" or rng.random() < 0.5
    source = rng.choice(ReferralSource.values)
    # Advocates record most referrals; managers and the public the rest (the triage queue).
    recorder = advocate if (stage != "referred" or index % 2 == 0) else manager
    if source == ReferralSource.SELF:
        recorder = None
    household = referrals.record_referral(
        actor=recorder,
        programme=programme,
        referral={
            "source": source,
            "date": referral_date,
            "referring_organisation": REFERRERS.get(source, ""),
        },
        household={
            "address_line_1": f"{rng.randint(1, 180)} {rng.choice(STREETS)}",
            "town": TOWNS[la.code],
            "postcode": _postcode(rng, la.code),
            "lsoa": _lsoa(la.code, index),
            "local_authority": la,
            "tenure": rng.choice(Tenure.values),
            "income_band": rng.choice(IncomeBand.values[:3]),
            "debt_band": rng.choice(DebtBand.values),
        },
        members=_members(rng, today, eligible=eligible),
    )
    if stage == "referred":
        return
    if stage == "closed":
        outcome = Household.Status.DECLINED if not eligible else Household.Status.NOT_CONTACTED
        reason = (
            "Not eligible: only one adult out of work"
            if not eligible
            else "No answer to three calls and a letter"
        )
        referrals.close_referral(
            actor=manager,
            household=household,
            outcome=outcome,
            reason=reason,
            on=min(today, referral_date + dt.timedelta(days=7)),
        )
        return
    if advocate is None:
        return
    for person in consent.people_needing_consent(household):
        consent.record_consent(actor=advocate, person=person, given_on=start)
    enrolment.enrol(actor=advocate, household=household, start_date=start, advocate=advocate)
    if stage == "ended":
        end = min(today - dt.timedelta(days=1), start + dt.timedelta(days=rng.randint(90, 365)))
        _contacts(rng, household, advocate, start, end)
        _readings_and_plans(rng, household, advocate, start, end)
        _spending(rng, household, advocate, manager, start, end)
        _work(rng, household, advocate, start, end)
        enrolment.end_support(
            actor=advocate,
            household=household,
            end_date=end,
            exit_reason=rng.choice(ExitReason.values),
        )
    else:
        _contacts(rng, household, advocate, start, today)
        _readings_and_plans(rng, household, advocate, start, today)
        _spending(rng, household, advocate, manager, start, today)
        _work(rng, household, advocate, start, today)
        household.refresh_from_db()
        if rng.random() < 0.6:  # the next visit, in the advocate's diary
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


def _outside_the_area(rng: random.Random, programme: Programme, today: dt.date) -> None:
    """A referral from just outside the area: the rule says why it is not eligible."""
    warrington = LocalAuthority.objects.filter(code="E06000007").first()
    if warrington is None:
        return
    referrals.record_referral(
        actor=None,
        programme=programme,
        referral={
            "source": ReferralSource.JOBCENTRE_PLUS,
            "date": today - dt.timedelta(days=3),
            "referring_organisation": "Jobcentre Plus",
        },
        household={
            "address_line_1": "12 Boundary Road",
            "town": "Warrington",
            "postcode": "WA1 2AB",
            "local_authority": warrington,
        },
        members=_members(rng, today, eligible=True),
    )


# Invented local services for the directory.
DEMO_SERVICES = (
    (
        "Demo Money Advice",
        "Debt clinic",
        "debt_advice",
        ["mental_health", "parent"],
        "Phone the clinic on 0151 496 0000 (a number reserved for drama)",
    ),
    (
        "Demo Talking Therapies",
        "Low-mood and anxiety support",
        "nhs_mental_health",
        ["mental_health"],
        "Self-referral online, or the advocate completes the form with the person",
    ),
    (
        "Demo Homes",
        "Tenancy support",
        "housing",
        ["homeless"],
        "Email tenancy.support@demo.pathways.invalid",
    ),
    (
        "Demo Skills College",
        "Maths and English for adults",
        "training_provider",
        ["esol", "neet"],
        "Drop-in on Tuesdays, 10am to 12pm",
    ),
    (
        "Demo Family Hub",
        "Childcare and early years places",
        "childcare",
        ["parent", "lone_parent"],
        "Phone the hub; funded places for 2-year-olds",
    ),
    (
        "Demo Recovery Service",
        "Drug and alcohol support",
        "drug_alcohol",
        ["drug_misuse", "problem_drinking"],
        "Self-referral by phone, 24 hours",
    ),
)


def create_demo_services() -> None:
    """The demo directory: invented services covering the six authorities."""
    from pathways.casework.models import Service

    if Service.objects.exists():
        return
    authorities = list(LocalAuthority.objects.filter(code__in=DISTRICTS))
    for organisation, name, kind, needs, how in DEMO_SERVICES:
        service = Service.objects.create(
            organisation=organisation, name=name, service_type=kind, needs=needs, how_to_refer=how
        )
        service.local_authorities.set(authorities)
