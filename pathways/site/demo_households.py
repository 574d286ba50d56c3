"""About 150 invented households across the six authorities, at every stage of the journey.

They are made the way users make them, through the services: a referral, eligibility,
consent, the start, contacts, reassignment, the end of support. Dates are relative to today,
so the caseload always has something to show: new allocations not yet contacted, households
not seen for a month, support ending soon. The same seed gives the same households.
"""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

from django.utils import timezone

from pathways.accounts.models import User
from pathways.areas.models import LocalAuthority
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
from pathways.programmes.models import Programme
from pathways.site.demo_support import book_next_visit, support

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
    start = _start(rng, stage, today)
    referral_date = start - dt.timedelta(days=rng.randint(2, 21))
    eligible = stage != "closed" or rng.random() < 0.5
    source = rng.choice(ReferralSource.values)
    # Advocates record most referrals; managers and the public the rest (the triage queue).
    recorder = advocate if (stage != "referred" or index % 2 == 0) else manager
    if source == ReferralSource.SELF:
        recorder = None
    household = _refer(
        rng,
        programme,
        la,
        index,
        today,
        recorder=recorder,
        referral={
            "source": source,
            "date": referral_date,
            "referring_organisation": REFERRERS.get(source, ""),
        },
        eligible=eligible,
    )
    if stage == "referred":
        return
    if stage == "closed":
        _close(
            household,
            manager,
            eligible=eligible,
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
        support(rng, household, advocate, manager, start, end)
        enrolment.end_support(
            actor=advocate,
            household=household,
            end_date=end,
            exit_reason=rng.choice(ExitReason.values),
        )
    else:
        support(rng, household, advocate, manager, start, today)
        household.refresh_from_db()
        book_next_visit(rng, household, advocate, today)


def _start(rng: random.Random, stage: str, today: dt.date) -> dt.date:
    """When support started (or would have): long ago for the ended, lately for the new."""
    if stage == "ended":
        return today - dt.timedelta(days=rng.randint(200, 420))
    if stage == "ending_soon":
        return today - dt.timedelta(days=365 - rng.randint(5, 50))
    if stage == "new":
        return today - dt.timedelta(days=rng.randint(1, 14))
    if stage in ("started", "closed"):
        return today - dt.timedelta(days=rng.randint(3, 300))
    return today - dt.timedelta(days=rng.randint(1, 20))


def _refer(
    rng: random.Random,
    programme: Programme,
    la: LocalAuthority,
    index: int,
    today: dt.date,
    *,
    recorder: User | None,
    referral: dict[str, Any],
    eligible: bool,
) -> Household:
    """The referral, as the recorder (or the public, with none) would make it."""
    return referrals.record_referral(
        actor=recorder,
        programme=programme,
        referral=referral,
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


def _close(household: Household, manager: User | None, *, eligible: bool, on: dt.date) -> None:
    """A referral that went no further: not eligible, or never reached."""
    outcome = Household.Status.DECLINED if not eligible else Household.Status.NOT_CONTACTED
    reason = (
        "Not eligible: only one adult out of work"
        if not eligible
        else "No answer to three calls and a letter"
    )
    referrals.close_referral(
        actor=manager, household=household, outcome=outcome, reason=reason, on=on
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
