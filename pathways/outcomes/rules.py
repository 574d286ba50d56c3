"""The programme's measures as pure functions over one person's records.

Each function takes plain facts (spells, readings, activities), the person's start, the report
date and the programme's thresholds, and returns what was achieved with the records it rests on,
or None. Nothing here touches the database: `outcomes.facts` loads the facts and
`outcomes.engine` keeps the results. The definitions are those of `shared/spec/programmes.md`
("Measures" and "Precise rules"); the thresholds come from the programme's settings.

Days are whole calendar days, inclusive: a spell from 1 to 28 March is 28 days. An open spell, or
one ending after the report date, runs to the report date. Work before the person's start does
not count.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal

ONE_DAY = dt.timedelta(days=1)


@dataclass(frozen=True)
class Spell:
    """A spell of paid work at one number of hours a week; `end` is the last day worked."""

    id: int
    start: dt.date
    end: dt.date | None
    hours: Decimal


@dataclass(frozen=True)
class ReadingFacts:
    """A star reading: its date and the score on each scale point (the worker's score)."""

    id: int
    date: dt.date
    scores: dict[str, int]


@dataclass(frozen=True)
class ActivityFacts:
    id: int
    completed_on: dt.date | None


@dataclass(frozen=True)
class Measures:
    """The thresholds, from the programme's settings (programmes.md defaults)."""

    job_min_hours: Decimal = Decimal(16)
    job_min_days: int = 28
    job_max_gap_days: int = 7
    sustained_short_days: int = 91
    sustained_long_days: int = 182
    improvement_min_days: int = 28
    improvement_total_gain: int = 3
    improvement_point_gain: int = 2
    # Least days from the first to the latest reading for a progress measure *outcome*; the
    # board's Table 6 counts progress measures with no minimum (programmes.md).
    progress_min_days: int = 28

    @classmethod
    def of(cls, settings: dict[str, int]) -> Measures:
        defaults = cls()
        return cls(
            job_min_hours=Decimal(settings.get("job_outcome_min_hours", defaults.job_min_hours)),
            job_min_days=settings.get("job_outcome_min_days", defaults.job_min_days),
            job_max_gap_days=settings.get("job_outcome_max_gap_days", defaults.job_max_gap_days),
            sustained_short_days=settings.get(
                "sustained_short_days", defaults.sustained_short_days
            ),
            sustained_long_days=settings.get("sustained_long_days", defaults.sustained_long_days),
            improvement_min_days=settings.get(
                "significant_improvement_min_days", defaults.improvement_min_days
            ),
            improvement_total_gain=settings.get(
                "significant_improvement_total_gain", defaults.improvement_total_gain
            ),
            improvement_point_gain=settings.get(
                "significant_improvement_point_gain", defaults.improvement_point_gain
            ),
            progress_min_days=settings.get("progress_measure_min_days", defaults.progress_min_days),
        )


@dataclass(frozen=True)
class Achieved:
    """An outcome: the day it was achieved, the records it rests on, and why, in words."""

    on: dt.date
    spells: tuple[int, ...] = ()
    readings: tuple[int, ...] = ()
    activities: tuple[int, ...] = ()
    why: str = ""
    quantity: int = 1
    detail: dict = field(default_factory=dict)


# --- work -------------------------------------------------------------------------------------


@dataclass
class Run:
    """Days in work joined across short gaps: the worked intervals, in order, and their spells."""

    intervals: list[tuple[dt.date, dt.date]]
    spells: list[tuple[int, dt.date, dt.date]]  # (id, first, last day counted)

    @property
    def first_day(self) -> dt.date:
        return self.intervals[0][0]

    @property
    def last_day(self) -> dt.date:
        return self.intervals[-1][1]

    def day_in_work(self, n: int) -> dt.date | None:
        """The date of the n-th day in work (1-based) in this run, if it has that many."""
        for first, last in self.intervals:
            length = (last - first).days + 1
            if n <= length:
                return first + (n - 1) * ONE_DAY
            n -= length
        return None

    def spells_until(self, day: dt.date) -> tuple[int, ...]:
        return tuple(sorted({spell for spell, first, _ in self.spells if first <= day}))


def runs_of_work(
    spells: list[Spell], *, start: dt.date, report_date: dt.date, measures: Measures
) -> list[Run]:
    """The person's runs of qualifying work between their start and the report date.

    Only spells of `job_min_hours` or more count (concurrent jobs are not added together, and a
    shorter spell never bridges a gap); two spells join when the days with no work between them
    are `job_max_gap_days` or fewer.
    """
    clipped = sorted(
        (max(s.start, start), min(s.end or report_date, report_date), s.id)
        for s in spells
        if s.hours >= measures.job_min_hours
    )
    runs: list[Run] = []
    for first, last, spell_id in clipped:
        if first > last:
            continue  # wholly before the start or after the report date
        current = runs[-1] if runs else None
        if current is None or (first - current.last_day).days - 1 > measures.job_max_gap_days:
            runs.append(Run(intervals=[(first, last)], spells=[(spell_id, first, last)]))
            continue
        current.spells.append((spell_id, first, last))
        previous_first, previous_last = current.intervals[-1]
        if first <= previous_last + ONE_DAY:  # overlapping or next day: one interval
            current.intervals[-1] = (previous_first, max(previous_last, last))
        else:
            current.intervals.append((first, last))
    return runs


def job_outcome(
    spells: list[Spell], *, start: dt.date, report_date: dt.date, measures: Measures
) -> tuple[Achieved, Run] | None:
    """Paid work of `job_min_hours`+ a week for `job_min_days` days in work after starting;
    counted once: the first run of work that reaches it."""
    for run in runs_of_work(spells, start=start, report_date=report_date, measures=measures):
        day = run.day_in_work(measures.job_min_days)
        if day is None:
            continue
        used = run.spells_until(day)
        return (
            Achieved(
                on=day,
                spells=used,
                why=(
                    f"{measures.job_min_days} days in work of {measures.job_min_hours}+ hours a "
                    f"week from {run.first_day:%-d %B %Y}, reached on {day:%-d %B %Y}"
                    + (
                        f" (spells joined across gaps of {measures.job_max_gap_days} days or fewer)"
                        if len(run.intervals) > 1 or len(used) > 1
                        else ""
                    )
                ),
                detail={"first_day": run.first_day.isoformat()},
            ),
            run,
        )
    return None


def sustained(
    spells: list[Spell], *, start: dt.date, report_date: dt.date, measures: Measures, days: int
) -> Achieved | None:
    """A job outcome whose work continues `days` calendar days from its first day of work
    (within one run: gaps of `job_max_gap_days` or fewer do not break it)."""
    found = job_outcome(spells, start=start, report_date=report_date, measures=measures)
    if found is None:
        return None
    _, run = found
    day = run.first_day + (days - 1) * ONE_DAY
    if run.last_day < day:
        return None
    return Achieved(
        on=day,
        spells=run.spells_until(day),
        why=f"In work for {days} days from {run.first_day:%-d %B %Y}, to {day:%-d %B %Y}",
        detail={"first_day": run.first_day.isoformat()},
    )


# --- readings ---------------------------------------------------------------------------------


def _first_and_latest(
    readings: list[ReadingFacts], report_date: dt.date
) -> tuple[ReadingFacts, ReadingFacts] | None:
    counted = sorted((r for r in readings if r.date <= report_date), key=lambda r: (r.date, r.id))
    if len(counted) < 2:
        return None
    return counted[0], counted[-1]


def _named(points: list[str], names: Mapping[str, str] | None) -> str:
    """Star points by the instrument's names for them ("Feelings and mood"), as a person reads
    them; the codes only where no name is given."""
    return ", ".join((names or {}).get(point, point) for point in points)


def _gains(first: ReadingFacts, latest: ReadingFacts) -> dict[str, int]:
    return {
        point: latest.scores[point] - first.scores[point]
        for point in first.scores
        if point in latest.scores
    }


def significant_improvement(
    readings: list[ReadingFacts],
    *,
    report_date: dt.date,
    measures: Measures,
    names: Mapping[str, str] | None = None,
) -> Achieved | None:
    """The latest reading, at least `improvement_min_days` after the first, is higher than the
    first by `improvement_total_gain`+ points in total or `improvement_point_gain`+ on one point."""
    pair = _first_and_latest(readings, report_date)
    if pair is None:
        return None
    first, latest = pair
    if (latest.date - first.date).days < measures.improvement_min_days:
        return None
    gains = _gains(first, latest)
    total = sum(gains.values())
    best = max(gains.values(), default=0)
    if total < measures.improvement_total_gain and best < measures.improvement_point_gain:
        return None
    reasons = []
    if total >= measures.improvement_total_gain:
        reasons.append(f"up {total} points in total")
    if best >= measures.improvement_point_gain:
        points = _named(
            [p for p, g in gains.items() if g >= measures.improvement_point_gain], names
        )
        reasons.append(f"up {measures.improvement_point_gain} or more on {points}")
    return Achieved(
        on=latest.date,
        readings=(first.id, latest.id),
        why=f"Reading of {latest.date:%-d %B %Y} against the first of {first.date:%-d %B %Y}: "
        + " and ".join(reasons),
        detail={"total_gain": total, "gains": gains},
    )


def progress_measures(
    readings: list[ReadingFacts],
    *,
    report_date: dt.date,
    min_days: int = 0,
    names: Mapping[str, str] | None = None,
) -> Achieved | None:
    """One progress measure per star point whose latest reading is above the first, the latest
    at least `min_days` after the first. Table 6 counts them with no minimum (the default); an
    outcome needs the programme's `progress_min_days`, so two readings minutes apart are none."""
    pair = _first_and_latest(readings, report_date)
    if pair is None:
        return None
    first, latest = pair
    if (latest.date - first.date).days < min_days:
        return None
    improved = sorted(point for point, gain in _gains(first, latest).items() if gain > 0)
    if not improved:
        return None
    return Achieved(
        on=latest.date,
        readings=(first.id, latest.id),
        quantity=len(improved),
        why=f"Higher on {_named(improved, names)} on {latest.date:%-d %B %Y} than on "
        f"{first.date:%-d %B %Y}",
        detail={"points": improved},
    )


# --- activities -------------------------------------------------------------------------------


def completed_activity(activities: list[ActivityFacts], *, report_date: dt.date) -> Achieved | None:
    """The first agreed activity completed on or before the report date."""
    done = sorted(
        (a for a in activities if a.completed_on and a.completed_on <= report_date),
        key=lambda a: (a.completed_on, a.id),
    )
    if not done:
        return None
    first = done[0]
    return Achieved(
        on=first.completed_on,  # type: ignore[arg-type]
        activities=(first.id,),
        why=f"Completed an agreed activity on {first.completed_on:%-d %B %Y}",
    )
