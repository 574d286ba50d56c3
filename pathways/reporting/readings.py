"""Distance travelled on the star, as of the report date, worked out in the database.

programmes.md: a participant's "first" reading is their earliest, their "latest" their last on or
before the report date (later readings are ignored); a progress measure is a star point whose
latest score is above the first; a significant improvement needs the latest at least 28 days
after the first and 3+ points up in total or 2+ on one point. These are the rules of
`outcomes.rules` (`progress_measures`, `significant_improvement`); the outcomes kept in the
database are as of today, so a report for an earlier date asks the same question of the
readings as they stood then. `tests/test_reading_measures.py` holds the two to each other over
random readings and dates.

One statement: window functions pick each person's first and latest readings in one pass (a
self-join of the window would be planned quadratically by SQLite); the scores of the two are
joined point by point (the worker's score, else the participant's, as the rules read
them). The SQL is built from constant fragments and the SQL Django writes for the participants;
every value is a parameter.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db import connection
from django.db.models import QuerySet

from pathways.assessments.models import Instrument, InstrumentPoint, Reading, Score
from pathways.outcomes.rules import Measures
from pathways.reporting.scope import Scope, participants


def sql_of(queryset: QuerySet) -> tuple[str, tuple[Any, ...]]:
    sql, params = queryset.query.get_compiler(using=queryset.db).as_sql()
    return sql, tuple(params)


def scale_points(scope: Scope) -> list[InstrumentPoint]:
    instrument = Instrument.objects.filter(code=scope.programme.instrument).first()
    if instrument is None:
        return []
    return list(
        InstrumentPoint.objects.filter(
            instrument=instrument, kind=InstrumentPoint.Kind.SCALE
        ).order_by("order")
    )


def _days_between(later: str, earlier: str) -> str:
    if connection.vendor == "postgresql":
        return f"({later} - {earlier})"
    return f"CAST(julianday({later}) - julianday({earlier}) AS INTEGER)"


@dataclass(frozen=True)
class Pairs:
    """`WITH …` defining `pairs(person_id, household_id, grp, days)` (each person's first and
    latest readings up to the report date) and `gains(person_id, household_id, grp, days,
    point_id, first_value, latest_value)`; `grp` is the group a report is split by."""

    sql: str
    params: tuple[Any, ...]
    points: list[InstrumentPoint]


def pairs(scope: Scope, group: Any = None) -> Pairs:
    from django.db.models import Value

    points = scale_points(scope)
    people = participants(scope).order_by().values("id", "household_id", grp=group or Value("all"))
    people_sql, people_params = sql_of(people)
    reading, score = Reading._meta.db_table, Score._meta.db_table
    point_ids = [p.pk for p in points] or [0]
    placeholders = ", ".join(["%s"] * len(point_ids))
    sql = (
        "WITH people AS (" + people_sql + "), "
        "counted AS ("
        " SELECT r.person_id, pe.household_id, pe.grp,"
        "  FIRST_VALUE(r.id) OVER w AS first_id, FIRST_VALUE(r.date) OVER w AS first_date,"
        "  LAST_VALUE(r.id) OVER w AS latest_id, LAST_VALUE(r.date) OVER w AS latest_date,"
        "  ROW_NUMBER() OVER w AS n"
        " FROM " + reading + " r JOIN people pe ON pe.id = r.person_id"
        " WHERE r.superseded = %s AND r.instrument_id = %s AND r.date <= %s"
        " WINDOW w AS (PARTITION BY r.person_id ORDER BY r.date, r.id"
        "  ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING)"
        "), "
        "pairs AS ("
        " SELECT person_id, household_id, grp, first_id, latest_id, "
        + _days_between("latest_date", "first_date")
        + " AS days"
        " FROM counted WHERE n = 1 AND latest_id <> first_id"
        "), "
        "gains AS ("
        " SELECT p.person_id, p.household_id, p.grp, p.days, s1.point_id,"
        "  COALESCE(s1.worker, s1.participant) AS first_value,"
        "  COALESCE(s2.worker, s2.participant) AS latest_value"
        " FROM pairs p"
        " JOIN " + score + " s1 ON s1.reading_id = p.first_id"
        " JOIN " + score + " s2 ON s2.reading_id = p.latest_id AND s2.point_id = s1.point_id"
        " WHERE s1.point_id IN (" + placeholders + ")"
        "  AND COALESCE(s1.worker, s1.participant) IS NOT NULL"
        "  AND COALESCE(s2.worker, s2.participant) IS NOT NULL"
        "), "
        "improved AS ("
        " SELECT person_id, household_id, grp,"
        "  SUM(CASE WHEN latest_value > first_value THEN 1 ELSE 0 END) AS points_up,"
        "  CASE WHEN MAX(days) >= %s AND (SUM(latest_value - first_value) >= %s"
        "   OR MAX(latest_value - first_value) >= %s) THEN 1 ELSE 0 END AS significant"
        " FROM gains GROUP BY person_id, household_id, grp"
        ") "
    )
    instrument = points[0].instrument_id if points else 0
    measures = Measures.of(scope.programme.measures or {})
    params = (
        *people_params,
        False,
        instrument,
        scope.date_to,
        *point_ids,
        measures.improvement_min_days,
        measures.improvement_total_gain,
        measures.improvement_point_gain,
    )
    return Pairs(sql=sql, params=params, points=points)


def fetch(sql: str, params: tuple[Any, ...]) -> list[tuple[Any, ...]]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def improvement_by_group(scope: Scope, group: Any = None) -> dict[Any, dict[str, int]]:
    """For each group: households with a significant improvement, participants with one, and
    progress measures (points up), as of the report date."""
    found = pairs(scope, group)
    rows = fetch(
        found.sql + "SELECT grp, COUNT(DISTINCT CASE WHEN significant = 1 THEN household_id END),"
        " SUM(significant), SUM(points_up) FROM improved GROUP BY grp",
        found.params,
    )
    return {
        grp: {
            "significant_households": int(households or 0),
            "significant_people": int(people or 0),
            "progress_measures": int(points or 0),
        }
        for grp, households, people, points in rows
    }


def positive_by_group(
    scope: Scope, outcome_households: QuerySet, group: Any = None
) -> dict[Any, int]:
    """Households with a positive outcome: a significant improvement as of the report date, or
    (from `outcome_households`: household_id, grp) an activity completed or a job outcome."""
    found = pairs(scope, group)
    other_sql, other_params = sql_of(outcome_households.order_by())
    rows = fetch(
        found.sql + ", positive AS (SELECT household_id, grp FROM improved WHERE significant = 1"
        " UNION " + other_sql + ") SELECT grp, COUNT(*) FROM positive GROUP BY grp",
        found.params + other_params,
    )
    return {grp: int(n) for grp, n in rows}


def distance_travelled(scope: Scope) -> dict[str, Any]:
    """Per point: people, the first-reading step counts, the sums of first and latest scores and
    how many moved up; and how many people moved up on at least one point, of `people`."""
    found = pairs(scope)
    base = fetch(found.sql + "SELECT COUNT(*) FROM pairs", found.params)[0][0]
    anywhere = fetch(found.sql + "SELECT COUNT(*) FROM improved WHERE points_up > 0", found.params)[
        0
    ][0]
    per_point = fetch(
        found.sql + "SELECT point_id, COUNT(*), SUM(first_value), SUM(latest_value),"
        " SUM(CASE WHEN latest_value > first_value THEN 1 ELSE 0 END)"
        " FROM gains GROUP BY point_id",
        found.params,
    )
    steps = fetch(
        found.sql + "SELECT point_id, first_value, COUNT(*) FROM gains"
        " GROUP BY point_id, first_value",
        found.params,
    )
    by_point: dict[int, dict[str, Any]] = {
        point: {
            "people": int(n),
            "first_sum": int(first or 0),
            "latest_sum": int(latest or 0),
            "moved_up": int(up or 0),
            "steps": {},
        }
        for point, n, first, latest, up in per_point
    }
    for point, value, n in steps:
        if point in by_point:
            by_point[point]["steps"][int(value)] = int(n)
    return {
        "people": int(base),
        "moved_up_anywhere": int(anywhere),
        "points": found.points,
        "by_point": by_point,
    }
