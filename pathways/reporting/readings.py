"""The star measures as of a report date, worked out in the database.

programmes.md: a participant's "first" reading is their earliest, their "latest" their last on or
before the report date (later readings are ignored); a progress measure is a star point whose
latest score is above the first; a significant improvement needs the latest at least 28 days
after the first and 3+ points up in total or 2+ on one point. These are the rules of
`outcomes.rules` (`progress_measures`, `significant_improvement`), which the outcome engine
applies as of today. A report for an earlier date asks the same question of the readings as they
stood then. `tests/test_reading_measures.py` holds the two to each other over random readings
and dates.

Most people have no reading after a report date: their first and latest readings then are
today's, which the outcome engine keeps point by point (`outcomes.ReadingSpan`, `PointChange`),
so a programme's report need not join every score again. For the rest, a grouped MIN and MAX
of each reading's (date, id) pick the first and latest readings in one pass (a window's
self-join was planned quadratically by SQLite, and misled PostgreSQL's estimates), and their
scores are joined point by point (the worker's score, else the participant's, as the rules read
them). One statement per table; built from constant fragments and the SQL Django writes for
the participants; every value is a parameter.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db import connection
from django.db.models import Count, Exists, F, OuterRef, Q, QuerySet, Sum

from pathways.assessments.models import Instrument, InstrumentPoint, Reading, Score
from pathways.outcomes.models import PointChange, ReadingSpan
from pathways.outcomes.rules import Measures
from pathways.reporting.scope import Scope, group_expression, participants, started


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


# A reading's place in a person's history, (date, id), as one whole number: days since 1900
# times 2^32, plus the id. MIN and MAX of it pick the first and latest readings (the earlier id
# first on a shared date) in one grouped pass, which both databases plan well; the id and the
# days between are read back out of it.
KEY_SPAN = "4294967296"


def _order_key(date: str, pk: str) -> str:
    if connection.vendor == "postgresql":
        days = f"({date} - DATE '1900-01-01')"
    else:
        days = f"CAST(julianday({date}) - julianday('1900-01-01') AS INTEGER)"
    return f"({days} * CAST({KEY_SPAN} AS BIGINT) + {pk})"


@dataclass(frozen=True)
class Pairs:
    """`WITH …` defining `pairs(person_id, household_id, grp, days)` (each person's first and
    latest readings up to the report date) and `gains(person_id, household_id, grp, days,
    point_id, first_value, latest_value)`; `grp` is the group a report is split by."""

    sql: str
    params: tuple[Any, ...]
    points: list[InstrumentPoint]


def _group(group: str | None, to_household: str) -> Any:
    return group_expression(group, to_household)


def _days_between(later: str, earlier: str) -> str:
    if connection.vendor == "postgresql":
        return f"({later} - {earlier})"
    return f"CAST(julianday({later}) - julianday({earlier}) AS INTEGER)"


def later_reading(scope: Scope, instrument: int) -> Exists:
    """The person has a reading after the report date."""
    return Exists(
        Reading.objects.filter(
            person=OuterRef("pk"),
            superseded=False,
            instrument_id=instrument,
            date__gt=scope.date_to,
        )
    )


# A kept span's columns as `pairs` reads them (its name in the CTE: the span's field), carried
# in the `kept` CTE itself, so the spans are read once.
SPAN_COLUMNS = {
    "span": "id",
    "first_id": "first_reading_id",
    "latest_id": "latest_reading_id",
    "first_on": "first_date",
    "latest_on": "latest_date",
    "rises": "points_up",
    "gain": "total_gain",
    "best": "best_gain",
}


def kept_span() -> Exists:
    return Exists(ReadingSpan.objects.filter(person=OuterRef("pk")))


def kept_spans(scope: Scope, instrument: int) -> QuerySet[ReadingSpan]:
    """The kept reading spans that hold as at the report date: of the scope's participants
    (spans are kept for participants only, so a whole programme's are read without the
    people), less anyone with a reading after the report date."""
    spans = (
        ReadingSpan.objects.filter(person__in=participants(scope))
        if scope.subgroup
        else ReadingSpan.objects.filter(household__in=started(scope))
    )
    return spans.exclude(
        Exists(
            Reading.objects.filter(
                person=OuterRef("person_id"),
                superseded=False,
                instrument_id=instrument,
                date__gt=scope.date_to,
            )
        )
    )


def _people(scope: Scope, instrument: int, grp: Any) -> tuple[QuerySet, QuerySet]:
    """The participants worked out from their readings (`people`), and the kept spans read
    instead (`kept`), each with its group."""
    # Two plain parts, not one OR of two subqueries, which PostgreSQL checks person by person
    # (0.5-0.8 s for a 100,000-household programme, against 0.1 s).
    live = (
        participants(scope)
        .exclude(kept_span())
        .order_by()
        .values("id", "household_id", grp=grp)
        .union(
            participants(scope)
            .filter(later_reading(scope, instrument))
            .order_by()
            .values("id", "household_id", grp=grp)
        )
    )
    kept = (
        kept_spans(scope, instrument)
        .order_by()
        .values(
            "household_id",
            grp=grp,
            member=F("person_id"),
            **{name: F(field) for name, field in SPAN_COLUMNS.items()},
        )
    )
    return live, kept


def _pairs_and_gains(placeholders: str) -> str:
    """The CTEs after `people` and `kept`: first and latest readings, then the point gains."""
    reading, score = Reading._meta.db_table, Score._meta.db_table
    change = PointChange._meta.db_table
    return (
        "ends AS ("
        " SELECT r.person_id, pe.household_id, pe.grp,"
        "  MIN(" + _order_key("r.date", "r.id") + ") AS first_key,"
        "  MAX(" + _order_key("r.date", "r.id") + ") AS latest_key"
        " FROM " + reading + " r JOIN people pe ON pe.id = r.person_id"
        " WHERE r.superseded = %s AND r.instrument_id = %s AND r.date <= %s"
        " GROUP BY r.person_id, pe.household_id, pe.grp"
        "), "
        "live_pairs AS ("
        " SELECT person_id, household_id, grp,"
        "  first_key - (first_key / " + KEY_SPAN + ") * " + KEY_SPAN + " AS first_id,"
        "  latest_key - (latest_key / " + KEY_SPAN + ") * " + KEY_SPAN + " AS latest_id,"
        "  latest_key / " + KEY_SPAN + " - first_key / " + KEY_SPAN + " AS days"
        " FROM ends WHERE latest_key > first_key"
        "), "
        "pairs AS ("
        " SELECT person_id, household_id, grp, first_id, latest_id, days FROM live_pairs"
        " UNION ALL SELECT k.member, k.household_id, k.grp, k.first_id, k.latest_id,"
        "  " + _days_between("k.latest_on", "k.first_on") + " FROM kept k"
        "), "
        "gains_live AS ("
        " SELECT p.person_id, p.household_id, p.grp, p.days, s1.point_id,"
        "  COALESCE(s1.worker, s1.participant) AS first_value,"
        "  COALESCE(s2.worker, s2.participant) AS latest_value"
        " FROM live_pairs p"
        " JOIN " + score + " s1 ON s1.reading_id = p.first_id"
        " JOIN " + score + " s2 ON s2.reading_id = p.latest_id AND s2.point_id = s1.point_id"
        " WHERE s1.point_id IN (" + placeholders + ")"
        "  AND COALESCE(s1.worker, s1.participant) IS NOT NULL"
        "  AND COALESCE(s2.worker, s2.participant) IS NOT NULL"
        "), "
        "gains AS ("
        " SELECT person_id, household_id, grp, days, point_id, first_value, latest_value"
        " FROM gains_live"
        " UNION ALL SELECT k.member, k.household_id, k.grp,"
        "  " + _days_between("k.latest_on", "k.first_on") + ","
        "  pc.point_id, pc.first_value, pc.latest_value"
        " FROM kept k JOIN " + change + " pc ON pc.span_id = k.span"
        " WHERE pc.point_id IN (" + placeholders + ")"
        "), "
    )


# Who improved: points up, and whether significantly (the three thresholds are parameters).
IMPROVED = (
    "improved_live AS ("
    " SELECT person_id, household_id, grp,"
    "  SUM(CASE WHEN latest_value > first_value THEN 1 ELSE 0 END) AS points_up,"
    "  CASE WHEN MAX(days) >= %s AND (SUM(latest_value - first_value) >= %s"
    "   OR MAX(latest_value - first_value) >= %s) THEN 1 ELSE 0 END AS significant"
    " FROM gains_live GROUP BY person_id, household_id, grp"
    "), "
    "improved AS ("
    " SELECT person_id, household_id, grp, points_up, significant FROM improved_live"
    " UNION ALL SELECT k.member, k.household_id, k.grp, k.rises,"
    "  CASE WHEN {kept_days} >= %s"
    "   AND (k.gain >= %s OR k.best >= %s) THEN 1 ELSE 0 END"
    " FROM kept k"
    ") "
)


def pairs(scope: Scope, group: str | None = None) -> Pairs:
    """The readings measures' CTEs, `group` a path from the household to split by.

    A participant with a kept reading span and no reading after the report date has today's
    first and latest readings as at the report date too: their pair and point changes are read
    from the span. Everyone else (a reading after the report date, or no span yet: outcomes not
    recomputed since their readings were loaded) is worked out from their readings."""
    points = scale_points(scope)
    instrument = points[0].instrument_id if points else 0
    live, kept = _people(scope, instrument, _group(group, "household__"))
    live_sql, live_params = sql_of(live)
    kept_sql, kept_params = sql_of(kept)
    point_ids = [p.pk for p in points] or [0]
    sql = (
        "WITH people AS (" + live_sql + "), "
        "kept AS ("
        + kept_sql
        + "), "
        + _pairs_and_gains(", ".join(["%s"] * len(point_ids)))
        + IMPROVED.replace("{kept_days}", _days_between("k.latest_on", "k.first_on"))
    )
    measures = Measures.of(scope.programme.measures or {})
    thresholds = [
        measures.improvement_min_days,
        measures.improvement_total_gain,
        measures.improvement_point_gain,
    ]
    params = (
        *live_params,
        *kept_params,
        False,
        instrument,
        scope.date_to,
        *point_ids,
        *point_ids,
        *thresholds * 2,
    )
    return Pairs(sql=sql, params=params, points=points)


def fetch(sql: str, params: tuple[Any, ...]) -> list[tuple[Any, ...]]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def improvement_by_group(scope: Scope, group: str | None = None) -> dict[Any, dict[str, int]]:
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


def household_measures(scope: Scope, homes: QuerySet, held: QuerySet) -> dict[Any, dict[str, int]]:
    """The performance measures of each group of households, in one statement: `homes` (id,
    grp) the households started; `held` (household_id, activity, jobs) those with an outcome
    of a completed activity or a job; significant improvements as of the report date from the
    readings. Counted a household at a time, so a household's group is looked up once and a
    household counts once in each measure."""
    found = pairs(scope)
    homes_sql, homes_params = sql_of(homes.order_by())
    held_sql, held_params = sql_of(held.order_by())
    # The facts a household at a time (a row per fact, summed by household), then joined to the
    # households started: a grouped table both databases look up by household (SQLite scanned
    # a DISTINCT one once per household).
    rows = fetch(
        found.sql + ", homes AS (" + homes_sql + "), held AS (" + held_sql + "),"
        " facts AS ("
        " SELECT household_id, 1 AS significant, 0 AS activity, 0 AS jobs"
        " FROM improved WHERE significant = 1"
        " UNION ALL SELECT household_id, 0, activity, jobs FROM held"
        "), "
        "households AS ("
        " SELECT household_id, MAX(significant) AS significant, MAX(activity) AS activity,"
        "  SUM(jobs) AS jobs FROM facts GROUP BY household_id"
        ")"
        " SELECT h.grp, COUNT(*),"
        " COUNT(CASE WHEN f.activity > 0 THEN 1 END),"
        " COALESCE(SUM(f.jobs), 0),"
        " COUNT(CASE WHEN f.jobs > 0 THEN 1 END),"
        " COUNT(CASE WHEN f.significant = 1 THEN 1 END),"
        " COUNT(f.household_id)"
        " FROM homes h LEFT JOIN households f ON f.household_id = h.id GROUP BY h.grp",
        found.params + homes_params + held_params,
    )
    return {
        grp: {
            "started": int(begun),
            "completed_activity": int(activity),
            "job_outcomes": int(jobs),
            "job_households": int(job_households),
            "significant_improvement": int(significant),
            "positive_outcomes": int(positive),
        }
        for grp, begun, activity, jobs, job_households, significant, positive in rows
    }


def distance_travelled(scope: Scope) -> dict[str, Any]:
    """Per point: people, the first-reading step counts, the sums of first and latest scores and
    how many moved up; and how many people moved up on at least one point, of `people`. The
    people worked out from their readings in one statement (its parts tagged rows of a UNION
    ALL); those with a kept span in two plain queries of the spans, which the database can
    spread over its workers."""
    found = pairs(scope)
    rows = fetch(
        found.sql + "SELECT 'base', 0, 0, COUNT(*), 0, 0 FROM live_pairs"
        " UNION ALL SELECT 'anywhere', 0, 0, COUNT(*), 0, 0 FROM improved_live"
        " WHERE points_up > 0"
        " UNION ALL SELECT 'step', point_id, first_value, COUNT(*), SUM(latest_value),"
        " SUM(CASE WHEN latest_value > first_value THEN 1 ELSE 0 END)"
        " FROM gains_live GROUP BY point_id, first_value",
        found.params,
    )
    spans = kept_spans(scope, found.points[0].instrument_id if found.points else 0)
    kept = spans.aggregate(n=Count("id"), anywhere=Count("id", filter=Q(points_up__gt=0)))
    rows += [("base", 0, 0, kept["n"], 0, 0), ("anywhere", 0, 0, kept["anywhere"], 0, 0)]
    rows += [
        ("step", *step)
        for step in PointChange.objects.filter(span__in=spans, point__in=found.points)
        .order_by()
        .values("point_id", "first_value")
        .annotate(
            n=Count("id"),
            latest=Sum("latest_value"),
            up=Count("id", filter=Q(latest_value__gt=F("first_value"))),
        )
        .values_list("point_id", "first_value", "n", "latest", "up")
    ]
    people = anywhere = 0
    by_point: dict[int, dict[str, Any]] = {}
    # One pass over the points: by point and first score, how many, the sum of their latest
    # scores and how many moved up; a point's figures are the sums over its first scores.
    for tag, pk, value, n, latest, up in rows:
        if tag == "base":
            people += int(n)
        elif tag == "anywhere":
            anywhere += int(n)
        else:
            point = by_point.setdefault(
                pk, {"people": 0, "first_sum": 0, "latest_sum": 0, "moved_up": 0, "steps": {}}
            )
            point["people"] += int(n)
            point["first_sum"] += int(value) * int(n)
            point["latest_sum"] += int(latest or 0)
            point["moved_up"] += int(up or 0)
            point["steps"][int(value)] = point["steps"].get(int(value), 0) + int(n)
    return {
        "people": people,
        "moved_up_anywhere": anywhere,
        "points": found.points,
        "by_point": by_point,
    }
