"""A synthetic programme: invented households whose cohort follows the source documents.

`generate(out, households=N, seed=S)` writes an exchange bundle (the CSV files of
shared/spec/exchange-format.md) to the folder `out`, a household at a time, so memory stays
flat however many households. The same seed and arguments give the same bundle, byte for byte.
Nobody in it is real: names come from lists of obviously invented names and are carried in the
extra columns `x_given_name` and `x_family_name`; postcodes are well-formed but made up.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Mapping
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pathways.core.tabular import csv_writer
from pathways.exchange import cohort, schema
from pathways.exchange.decks import Decks, pick
from pathways.exchange.invented import (
    ACTIVITIES,
    BUDGET_ITEMS,
    DISTRICTS,
    EMPLOYERS,
    FAMILY,
    GIVEN,
    SERVICES,
    STREETS,
    lsoas_by_need,
)

FILES = schema.HEADERS
STAR_POINTS = FILES["star_readings.csv"][3:]


@dataclass(frozen=True)
class Settings:
    households: int
    seed: int
    programme: str = "households-into-work"
    as_of: dt.date = dt.date(2019, 3, 31)
    budget_pence: int = 100_000
    advocates: Mapping[str, tuple[str, ...]] | None = None  # by local authority code


class _Writer:
    def __init__(self, stack: ExitStack, out: Path) -> None:
        out.mkdir(parents=True, exist_ok=True)
        self.writers = {}
        self.rows = dict.fromkeys(FILES, 0)
        for name, columns in FILES.items():
            handle = stack.enter_context((out / name).open("w", newline="", encoding="utf-8"))
            writer = csv_writer(handle, lineterminator="\n")
            writer.writerow(columns)
            self.writers[name] = writer

    def row(self, name: str, values: list[Any]) -> None:
        self.writers[name].writerow(["" if v is None else v for v in values])
        self.rows[name] += 1


def _iso(day: dt.date | None) -> str:
    return day.isoformat() if day else ""


def generate(out: Path, settings: Settings) -> dict[str, int]:
    """Write the bundle; returns the rows written to each file."""
    rng = random.Random(settings.seed)  # noqa: S311 - invented data, not security
    decks = Decks(random.Random(settings.seed + 1))  # noqa: S311 - invented data
    with ExitStack() as stack:
        writer = _Writer(stack, Path(out))
        for index in range(settings.households):
            _household(rng, writer, settings, decks, index)
    return writer.rows


def _household(rng: random.Random, w: _Writer, s: Settings, decks: Decks, index: int) -> None:
    ref = f"SYN-{index + 1:06d}"
    la = pick(rng, cohort.POPULATION)
    referral = s.as_of - dt.timedelta(days=rng.randint(20, 420))
    start, end, exit_reason = _course(rng, s, referral)
    _household_row(rng, w, s, index, ref, la, referral, (start, end, exit_reason))
    family = rng.choice(FAMILY)
    until = min(end or s.as_of, s.as_of)
    participants = _members(rng, w, s, decks, ref, family, referral, start)
    if start is None:
        return
    _support(rng, w, decks, participants, start, until)
    _work(rng, w, participants, start, until)
    _budget(rng, w, s, ref, start, until)


def _course(
    rng: random.Random, s: Settings, referral: dt.date
) -> tuple[dt.date | None, dt.date | None, str | None]:
    """When a referred household starts (most do), and when and why it ends, if it has."""
    started = rng.random() < 0.92
    start = min(s.as_of, referral + dt.timedelta(days=rng.randint(2, 30))) if started else None
    end = exit_reason = None
    if start is not None:
        planned = start + dt.timedelta(days=365)
        if rng.random() < 0.15:  # some stop early
            early = start + dt.timedelta(days=rng.randint(30, 300))
            if early < s.as_of:
                end, exit_reason = (
                    early,
                    pick(rng, {"disengaged": 50, "moved_away": 20, "transferred": 15, "other": 15}),
                )
        if end is None and planned <= s.as_of:
            end, exit_reason = planned, "completed"
    return start, end, exit_reason


def _household_row(
    rng: random.Random,
    w: _Writer,
    s: Settings,
    index: int,
    ref: str,
    la: str,
    referral: dt.date,
    course: tuple[dt.date | None, dt.date | None, str | None],
) -> None:
    start, end, exit_reason = course
    advocates = (s.advocates or {}).get(la) or ()
    district = rng.choice(DISTRICTS[la])
    postcode = f"{district} {rng.randint(1, 9)}{rng.choice('ABDEFGHJLNPQRSTUWXYZ')}{rng.choice('ABDEFGHJLNPQRSTUWXYZ')}"
    # Its own random stream, so the rest of the bundle is as it was before households had LSOAs.
    where = random.Random(f"{s.seed}:{index}:lsoa")  # noqa: S311 - invented data
    lsoa = pick(where, lsoas_by_need()[la]) if lsoas_by_need().get(la) else ""
    w.row(
        "households.csv",
        [
            ref,
            s.programme,
            la,
            lsoa,
            postcode,
            pick(rng, cohort.REFERRAL_SOURCES),
            _iso(referral),
            _iso(start),
            _iso(end),
            exit_reason or "",
            rng.choice(advocates) if advocates and start else "",
            pick(rng, cohort.INCOME_BANDS),
            pick(rng, cohort.DEBT_BANDS),
            pick(rng, cohort.TENURE),
            f"{rng.randint(1, 200)} {rng.choice(STREETS)}",
        ],
    )


def _members(
    rng: random.Random,
    w: _Writer,
    s: Settings,
    decks: Decks,
    ref: str,
    family: str,
    referral: dt.date,
    start: dt.date | None,
) -> list[str]:
    """The household's adults (who take part) and children (who do not); returns the adults."""
    adults = pick(rng, cohort.ADULTS_IN_HOUSEHOLD)
    participants = []
    for n in range(adults):
        person = f"{ref}-{n + 1}"
        participants.append(person)
        _adult(rng, w, s, decks, ref, person, n, family, referral, start)
    for n in range(pick(rng, cohort.CHILDREN_IN_HOUSEHOLD)):
        born = referral - dt.timedelta(days=rng.randint(100, 15 * 365))
        w.row(
            "people.csv",
            [f"{ref}-{adults + n + 1}", ref, "child", _iso(born), "", "", "", "no"]
            + [""] * 5
            + [rng.choice(GIVEN), family],
        )
    return participants


def _support(
    rng: random.Random,
    w: _Writer,
    decks: Decks,
    participants: list[str],
    start: dt.date,
    until: dt.date,
) -> None:
    """Each participant's readings, activities and onward referrals."""
    # One participant (the lead) makes the household reach Table 1's measures when it does;
    # where it does not, nobody in it does.
    days = (until - start).days
    completes = decks.reaches("completes", can=days >= 7)
    improves = decks.reaches("improves", can=days >= 120)
    lead = rng.choice(participants)
    for person in participants:
        _readings(rng, w, person, start, until, improves=improves, lead=person == lead)
        _activities(rng, w, person, start, until, completes=completes, lead=person == lead)
        for _ in range(rng.choices([0, 1, 2], weights=[55, 35, 10])[0]):
            day = start + dt.timedelta(days=rng.randint(0, max(0, (until - start).days)))
            w.row(
                "referrals_out.csv",
                [
                    person,
                    _iso(day),
                    pick(rng, SERVICES),
                    "",
                    rng.choice(["made", "accepted", "attended", "attended", "declined"]),
                ],
            )


def _adult(
    rng: random.Random,
    w: _Writer,
    s: Settings,
    decks: Decks,
    ref: str,
    person: str,
    n: int,
    family: str,
    referral: dt.date,
    start: dt.date | None,
) -> None:
    since = decks.since.deal()
    band = decks.age[since].deal()
    low, high = cohort.AGE_RANGES[band]
    on = start or referral
    age = rng.randint(low, high)
    born = on - dt.timedelta(days=age * 365 + rng.randint(0, 364) + age // 4)
    # The age on the start day must be in the band: move the birthday if leap days disagree.
    while (on.year - born.year - ((on.month, on.day) < (born.month, born.day))) != age:
        born += dt.timedelta(days=1 if born < on.replace(year=on.year - age) else -1)
    needs = [need for need, deck in decks.needs.items() if deck.deal()]
    benefits = (
        ["universal_credit"]
        if rng.random() < 0.75
        else [pick(rng, {"esa": 50, "jsa": 20, "income_support": 20, "incapacity_benefit": 10})]
    )
    if ("physical_disability" in needs or "chronic_health" in needs) and rng.random() < 0.5:
        benefits.append("pip")
    w.row(
        "people.csv",
        [
            person,
            ref,
            "primary" if n == 0 else "partner" if n == 1 and rng.random() < 0.8 else "adult",
            _iso(born),
            "",
            decks.gender.deal(),
            decks.ethnicity.deal(),
            "yes",
            since,
            ";".join(benefits),
            pick(rng, cohort.QUALIFICATIONS),
            ";".join(needs),
            _iso(start),
            rng.choice(GIVEN),
            family,
        ],
    )


READINGS_APART = 84  # days, give or take two weeks


def _readings(
    rng: random.Random,
    w: _Writer,
    person: str,
    start: dt.date,
    until: dt.date,
    *,
    improves: bool,
    lead: bool,
) -> None:
    """Every ~12 weeks from the start; most points creep up, with some falls. The lead of a
    household that improves significantly gains 3 or more points in all; in a household that
    does not, nobody's latest reading is 3 points above their first in all, or 2 on a point."""
    improving = rng.random() < 0.75 if improves else False
    scores = [rng.choices([1, 2, 3, 4], weights=[25, 40, 28, 7])[0] for _ in STAR_POINTS]
    day = start + dt.timedelta(days=rng.randint(0, 10))
    readings: list[tuple[dt.date, list[int]]] = []
    while day <= until:
        readings.append((day, scores))
        step = [1, 1, 0, 0, 0, -1] if improving or lead else [1, 0, 0, 0, -1]
        scores = [min(5, max(1, score + rng.choice(step))) for score in scores]
        day += dt.timedelta(days=READINGS_APART + rng.randint(-14, 14))
    if len(readings) >= 2:
        first, (last_day, latest) = readings[0][1], readings[-1]
        if improves and lead:
            latest = list(latest)
            while sum(latest) - sum(first) < 3:
                low = min(range(len(latest)), key=lambda i: (latest[i], rng.random()))
                latest[low] = min(5, latest[low] + 1)
        elif not improves:
            latest = [min(5, max(1, score + rng.choice([0, 0, 0, 1, -1]))) for score in first]
            while sum(latest) - sum(first) >= 3:
                high = max(range(len(latest)), key=lambda i: latest[i] - first[i])
                latest[high] -= 1
        readings[-1] = (last_day, latest)
    for day, values in readings:
        w.row("star_readings.csv", [person, _iso(day), "progress-star", *values])


def _activities(
    rng: random.Random,
    w: _Writer,
    person: str,
    start: dt.date,
    until: dt.date,
    *,
    completes: bool,
    lead: bool,
) -> None:
    """A few activities; in a household that completes one, the lead completes the first and
    others now and then; in a household that does not, nobody completes any."""
    span = (until - start).days
    count = rng.choices([0, 1, 2, 3, 4], weights=[25, 30, 25, 13, 7])[0]
    for n in range(max(count, 1) if completes and lead else count):
        kind = pick(rng, {k: v[0] for k, v in ACTIVITIES.items()})
        agreed = start + dt.timedelta(days=rng.randint(0, max(0, span)))
        hours = (
            rng.choice([2, 3, 5, 6, 10, 12, 20, 30])
            if kind == "course"
            else rng.choice([1, 2, 4, ""])
        )
        done = agreed + dt.timedelta(days=rng.randint(7, 60))
        if completes and lead and n == 0:  # early enough to be done by the last day
            agreed = start + dt.timedelta(days=rng.randint(0, span - 7))
            done = agreed + dt.timedelta(days=rng.randint(7, min(60, (until - agreed).days)))
        completed = (
            done
            if completes and done <= until and ((lead and n == 0) or rng.random() < 0.55)
            else None
        )
        status = "completed" if completed else rng.choice(["agreed", "in_progress", "dropped"])
        w.row(
            "activities.csv",
            [
                person,
                kind,
                rng.choice(ACTIVITIES[kind][1]),
                hours,
                _iso(agreed),
                _iso(completed),
                status,
                rng.choice(["", "work", "skills", "money", "emotional_wellbeing"]),
            ],
        )


def _work(
    rng: random.Random, w: _Writer, participants: list[str], start: dt.date, until: dt.date
) -> None:
    """About one household in eight has someone in work of 16+ hours for four weeks or more;
    a few more have short or small jobs that do not count."""
    span = (until - start).days
    if span < 45:
        return
    roll = rng.random()
    if roll < 0.135:
        person = rng.choice(participants)
        first = start + dt.timedelta(days=rng.randint(14, span - 28))
        last = first + dt.timedelta(days=rng.choice([35, 60, 100, 200, 400]))
        hours = rng.choice([16, 20, 25, 30, 37.5])
        w.row(
            "employment.csv",
            [
                person,
                _iso(first),
                _iso(last) if last < until else "",
                hours,
                rng.choice(EMPLOYERS),
                "no",
                rng.choice(["payslip", "employer_letter", "self_declaration", ""]),
            ],
        )
    elif roll < 0.2:
        person = rng.choice(participants)
        first = start + dt.timedelta(days=rng.randint(14, span - 7))
        last = min(until, first + dt.timedelta(days=rng.randint(3, 20)))
        w.row(
            "employment.csv",
            [
                person,
                _iso(first),
                _iso(last),
                rng.choice([8, 12, 16, 20]),
                rng.choice(EMPLOYERS),
                "no",
                "",
            ],
        )


def _budget(
    rng: random.Random, w: _Writer, s: Settings, ref: str, start: dt.date, until: dt.date
) -> None:
    """A few spends, never more than the budget; now and then a refund."""
    left = s.budget_pence
    span = (until - start).days
    for _ in range(rng.choices([0, 1, 2, 3, 4, 5], weights=[15, 20, 25, 20, 12, 8])[0]):
        category = pick(rng, {k: v[0] for k, v in BUDGET_ITEMS.items()})
        _, low, high = BUDGET_ITEMS[category]
        amount = rng.randint(low, high) * 100 + rng.choice([0, 0, 49, 99])
        if amount > left:
            break
        left -= amount
        day = start + dt.timedelta(days=rng.randint(0, max(0, span)))
        w.row("budget.csv", [ref, _iso(day), category, f"{amount // 100}.{amount % 100:02d}", ""])
        if rng.random() < 0.04:
            back = min(amount, 1000)
            left += back
            later = min(until, day + dt.timedelta(days=7))
            w.row(
                "budget.csv",
                [ref, _iso(later), category, f"-{back // 100}.{back % 100:02d}", "Refund"],
            )
