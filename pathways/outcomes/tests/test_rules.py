"""The measures against slow, obviously correct references, and at their exact boundaries."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from pathways.outcomes.rules import (
    ActivityFacts,
    Measures,
    ReadingFacts,
    Spell,
    completed_activity,
    job_outcome,
    progress_measures,
    significant_improvement,
    sustained,
)

M = Measures()
START = dt.date(2018, 4, 20)
REPORT = dt.date(2019, 3, 31)


def day(n: int) -> dt.date:
    return START + dt.timedelta(days=n)


# --- the slow reference: walk every day ----------------------------------------------------------


def worked_days(spells: list[Spell], start: dt.date, report: dt.date) -> list[bool]:
    """For each day from the start to the report date: in qualifying work?"""
    days = []
    current = start
    while current <= report:
        days.append(
            any(
                s.hours >= M.job_min_hours and s.start <= current <= (s.end or report)
                for s in spells
            )
        )
        current += dt.timedelta(days=1)
    return days


def reference_runs(spells: list[Spell], start: dt.date, report: dt.date) -> list[list[int]]:
    """Runs as lists of day offsets in work; a gap of more than 7 idle days ends a run."""
    runs: list[list[int]] = []
    idle = None
    for offset, working in enumerate(worked_days(spells, start, report)):
        if not working:
            idle = (idle or 0) + 1 if runs else None
            continue
        if not runs or idle is None or idle > M.job_max_gap_days:
            runs.append([])
        runs[-1].append(offset)
        idle = 0
    return runs


def reference_job_outcome(spells, start, report) -> tuple[dt.date, dt.date] | None:
    for run in reference_runs(spells, start, report):
        if len(run) >= M.job_min_days:
            return (
                start + dt.timedelta(days=run[M.job_min_days - 1]),
                start + dt.timedelta(days=run[0]),
            )
    return None


def reference_sustained(spells, start, report, days) -> dt.date | None:
    for run in reference_runs(spells, start, report):
        if len(run) >= M.job_min_days:
            if run[-1] - run[0] + 1 >= days:
                return start + dt.timedelta(days=run[0] + days - 1)
            return None
    return None


spell_strategy = st.builds(
    lambda i, s, length, open_end, hours: Spell(
        id=i,
        start=START + dt.timedelta(days=s),
        end=None if open_end else START + dt.timedelta(days=s + length),
        hours=hours,
    ),
    st.integers(1, 10_000),
    st.integers(-60, 330),
    st.integers(0, 120),
    st.booleans(),
    st.sampled_from(
        [Decimal("8"), Decimal("15.5"), Decimal("16"), Decimal("16.5"), Decimal("37.5")]
    ),
)


def _chain(first: int, links: list[tuple[int, int, Decimal]], open_end: bool) -> list[Spell]:
    """Spells one after another: each starts `gap` idle days after the last one ended (a
    negative gap overlaps it)."""
    spells, begin = [], first
    for i, (gap, length, hours) in enumerate(links):
        end = begin + length
        spells.append(
            Spell(i + 1, START + dt.timedelta(days=begin), START + dt.timedelta(days=end), hours)
        )
        begin = end + gap + 1
    if open_end and spells:
        spells[-1] = Spell(spells[-1].id, spells[-1].start, None, spells[-1].hours)
    return spells


HOURS = st.sampled_from(
    [Decimal("8"), Decimal("15.5"), Decimal("16"), Decimal("16.5"), Decimal("37.5")]
)
# Near the boundaries: gaps of 6-9 days, spells of 20-35 days, overlaps, starts before the start.
chained = st.builds(
    _chain,
    st.integers(-40, 40),
    st.lists(
        st.tuples(st.sampled_from([-3, 0, 1, 6, 7, 8, 9, 30]), st.integers(0, 35), HOURS),
        max_size=6,
    ),
    st.booleans(),
)
any_spells = st.one_of(st.lists(spell_strategy, max_size=6), chained)


@settings(max_examples=600, deadline=None)
@given(any_spells)
def test_the_job_outcome_rule_agrees_with_walking_every_day(spells: list[Spell]) -> None:
    found = job_outcome(spells, start=START, report_date=REPORT, measures=M)
    expected = reference_job_outcome(spells, START, REPORT)
    if expected is None:
        assert found is None
    else:
        assert found is not None
        achieved, run = found
        assert (achieved.on, run.first_day) == expected
        # The records named are real spells that cover qualifying days up to the outcome.
        assert set(achieved.spells) <= {s.id for s in spells if s.hours >= 16}
        assert achieved.spells


@settings(max_examples=300, deadline=None)
@given(any_spells, st.sampled_from([91, 182]))
def test_the_sustained_rule_agrees_with_walking_every_day(spells: list[Spell], days: int) -> None:
    found = sustained(spells, start=START, report_date=REPORT, measures=M, days=days)
    expected = reference_sustained(spells, START, REPORT, days)
    assert (found.on if found else None) == expected


def spell(first: int, last: int | None, hours: str = "16", i: int = 1) -> Spell:
    return Spell(
        id=i, start=day(first), end=None if last is None else day(last), hours=Decimal(hours)
    )


def test_exactly_28_days_of_exactly_16_hours_is_a_job_outcome() -> None:
    achieved, _ = job_outcome([spell(0, 27)], start=START, report_date=REPORT, measures=M)
    assert achieved.on == day(27)
    assert job_outcome([spell(0, 26)], start=START, report_date=REPORT, measures=M) is None
    assert job_outcome([spell(0, 27, "15.99")], start=START, report_date=REPORT, measures=M) is None


def test_a_gap_of_7_days_joins_spells_and_8_does_not() -> None:
    joined = [spell(0, 13, i=1), spell(21, 40, i=2)]  # 7 idle days: 14..20
    achieved, run = job_outcome(joined, start=START, report_date=REPORT, measures=M)
    assert achieved.on == day(21 + 13) and achieved.spells == (1, 2)
    apart = [spell(0, 13, i=1), spell(22, 60, i=2)]  # 8 idle days
    achieved, run = job_outcome(apart, start=START, report_date=REPORT, measures=M)
    assert run.first_day == day(22) and achieved.spells == (2,)


def test_short_hours_never_bridge_a_gap_and_concurrent_jobs_are_not_added() -> None:
    spells = [spell(0, 13, i=1), spell(14, 30, "10", i=2), spell(31, 60, i=3)]
    achieved, run = job_outcome(spells, start=START, report_date=REPORT, measures=M)
    assert (run.first_day, achieved.on, achieved.spells) == (day(31), day(58), (3,))
    two_small = [spell(0, 60, "10", i=1), spell(0, 60, "10", i=2)]
    assert job_outcome(two_small, start=START, report_date=REPORT, measures=M) is None


def test_work_before_the_start_does_not_count() -> None:
    # In work since 10 days before starting: only days from the start count.
    achieved, run = job_outcome([spell(-10, 40)], start=START, report_date=REPORT, measures=M)
    assert run.first_day == START and achieved.on == day(27)
    assert job_outcome([spell(-60, -1)], start=START, report_date=REPORT, measures=M) is None


def test_an_open_spell_runs_to_the_report_date() -> None:
    assert job_outcome([spell(0, None)], start=START, report_date=day(26), measures=M) is None
    assert job_outcome([spell(0, None)], start=START, report_date=day(27), measures=M)


def test_sustained_13_weeks_is_91_days_from_the_first_day_of_work() -> None:
    found = sustained([spell(0, 90)], start=START, report_date=REPORT, measures=M, days=91)
    assert found and found.on == day(90)
    assert sustained([spell(0, 89)], start=START, report_date=REPORT, measures=M, days=91) is None


def reading(i: int, on: int, **scores: int) -> ReadingFacts:
    return ReadingFacts(id=i, date=day(on), scores=scores)


def test_significant_improvement_needs_28_days_and_3_in_total_or_2_on_one_point() -> None:
    first = reading(1, 0, money=2, work=2, skills=2)
    total = reading(2, 28, money=3, work=3, skills=3)
    one_point = reading(3, 28, money=4, work=2, skills=2)
    too_soon = reading(4, 27, money=5, work=5, skills=5)
    not_enough = reading(5, 60, money=3, work=3, skills=2)
    assert significant_improvement([first, total], report_date=REPORT, measures=M).readings == (
        1,
        2,
    )
    assert significant_improvement([first, one_point], report_date=REPORT, measures=M)
    assert significant_improvement([first, too_soon], report_date=REPORT, measures=M) is None
    assert significant_improvement([first, not_enough], report_date=REPORT, measures=M) is None
    # Readings after the report date are ignored.
    assert significant_improvement([first, total], report_date=day(27), measures=M) is None


def test_progress_measures_count_the_points_above_the_first() -> None:
    found = progress_measures(
        [reading(1, 0, money=2, work=2, skills=4), reading(2, 5, money=3, work=4, skills=3)],
        report_date=REPORT,
    )
    assert (found.quantity, found.detail["points"]) == (2, ["money", "work"])
    assert progress_measures([reading(1, 0, money=2)], report_date=REPORT) is None


def test_the_first_completed_activity_is_the_one_named() -> None:
    found = completed_activity(
        [ActivityFacts(1, None), ActivityFacts(2, day(30)), ActivityFacts(3, day(10))],
        report_date=REPORT,
    )
    assert (found.on, found.activities) == (day(10), (3,))
    assert completed_activity([ActivityFacts(2, day(30))], report_date=day(29)) is None
