"""The programme dashboard: targets against the trajectory, the monthly trend, local authorities
side by side and a manager's advocates, all from the report tables' figures (`figures.py`), so the
dashboard and the pack never disagree.
"""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass
from typing import Any

from django.db.models import Count
from django.db.models.functions import TruncMonth

from pathways.accounts.models import User
from pathways.core.tabular import csv_writer
from pathways.outcomes.models import Outcome
from pathways.reporting import disclosure
from pathways.reporting.charts import Bar, Chart, figure, table_figure
from pathways.reporting.figures import figures, percent, target_for
from pathways.reporting.performance import (
    EMPTY,
    PERFORMANCE,
    by_area,
    outcomes_by,
    performance,
    performance_by,
    rollup,
)
from pathways.reporting.progress import _completed_activities
from pathways.reporting.scope import GRID, Scope, started

ON_TRACK, AT_RISK, OFF_TRACK, MET, MISSED = (
    "on track",
    "at risk",
    "off track",
    "met",
    "missed",
)
NO_FIGURE = "no figure yet"
# Below the trajectory but within this share of it is "at risk"; further below is "off track".
AT_RISK_SHARE = 0.9
PERCENT_MEASURES = {"job_outcome_rate"}


@dataclass(frozen=True)
class TargetStatus:
    measure: str
    label: str
    target: int
    by: dt.date
    current: float | None  # a count, or a rate for percent measures; None: withheld
    expected: float | None  # where the trajectory says we should be by now
    status: str
    withheld: bool = False  # current is None because the disclosure rule withholds it

    @property
    def unit(self) -> str:
        return "%" if self.measure in PERCENT_MEASURES else ""


def status_of(
    current: float | None,
    target: float,
    *,
    start: dt.date,
    by: dt.date,
    on: dt.date,
    rate: bool = False,
) -> tuple[str, float | None]:
    """(status, expected): a count is on track when it has reached the straight line from 0 at
    the programme's start to the target on its date; a rate against the target itself. After the
    target date, met or missed."""
    if rate:
        expected = float(target)
    else:
        span = max((by - start).days, 1)
        elapsed = min(max((on - start).days, 0), span)
        expected = target * elapsed / span
    if current is None:
        return ("not shown", expected)
    if on >= by:
        return (MET if current >= target else MISSED, expected)
    if current >= expected:
        return (ON_TRACK, expected)
    if current >= expected * AT_RISK_SHARE:
        return (AT_RISK, expected)
    return (OFF_TRACK, expected)


def target_statuses(scope: Scope, shown: dict[str, Any]) -> list[TargetStatus]:
    """Each of the programme's measures with a target, against the trajectory to it. Statuses of
    published figures are worked out from the published figures."""
    out = []
    for row in shown["rows"]:
        target = target_for(scope, row["key"])
        if target is None or row["target"] is None:
            continue
        rate = row["key"] in PERCENT_MEASURES
        current = row["percent"] if rate else row["count"]
        withheld = bool(row.get("suppressed")) or (rate and "percent" in row.get("withheld", ()))
        by = dt.date.fromisoformat(str(target["by"]))
        status, expected = status_of(
            current,
            float(target["value"]),
            start=scope.programme.start_date,
            by=by,
            on=scope.date_to,
            rate=rate,
        )
        if current is None and not withheld:
            status = NO_FIGURE  # a rate with no households started yet
        out.append(
            TargetStatus(
                row["key"],
                row["label"],
                int(target["value"]),
                by,
                current,
                expected,
                status,
                withheld,
            )
        )
    return out


# --- the monthly trend --------------------------------------------------------------------------

TREND = [
    ("starts", "Households started"),
    ("activities", "Activities completed"),
    ("improvements", "Significant improvements (participants)"),
    ("job_outcomes", "Job outcomes"),
]


def months(date_from: dt.date, date_to: dt.date) -> list[dt.date]:
    first = date_from.replace(day=1)
    found = []
    while first <= date_to:
        found.append(first)
        first = (first + dt.timedelta(days=32)).replace(day=1)
    return found


def trend_start(scope: Scope, date_from: dt.date | None) -> dt.date:
    """The trend's first month: `--from`, else the twelve months to the report date."""
    if date_from is not None:
        return max(date_from, scope.programme.start_date)
    year_before = scope.date_to.replace(day=1)
    for _ in range(11):
        year_before = (year_before - dt.timedelta(days=1)).replace(day=1)
    return max(year_before, scope.programme.start_date)


def _by_month(queryset: Any, date_field: str) -> dict[dt.date, int]:
    rows = (
        queryset.order_by()
        .annotate(month=TruncMonth(date_field))
        .values("month")
        .annotate(n=Count("id"))
        .values_list("month", "n")
    )
    return {(m.date() if isinstance(m, dt.datetime) else m): n for m, n in rows}


def monthly_trend(scope: Scope, date_from: dt.date) -> dict[str, Any]:
    """Per month from `date_from` to the report date: households started, activities completed,
    significant improvements and job outcomes, each by its own date."""
    found = {
        "starts": _by_month(started(scope).filter(start_date__gte=date_from), "start_date"),
        "activities": _by_month(
            _completed_activities(scope).filter(completed_date__gte=date_from),
            "completed_date",
        ),
        "improvements": {},
        "job_outcomes": {},
    }
    # Both outcomes in one query, by kind and month (the outcomes as kept today, each in the
    # month of its own date).
    kinds = {
        Outcome.Kind.SIGNIFICANT_IMPROVEMENT: "improvements",
        Outcome.Kind.JOB_OUTCOME: "job_outcomes",
    }
    for kind, month, n in (
        outcomes_by(scope, list(kinds))
        .filter(achieved_on__gte=date_from)
        .order_by()
        .annotate(month=TruncMonth("achieved_on"))
        .values("kind", "month")
        .annotate(n=Count("id"))
        .values_list("kind", "month", "n")
    ):
        found[kinds[kind]][month.date() if isinstance(month, dt.datetime) else month] = n
    rule = scope.rule
    rows = []
    for month in months(date_from, scope.date_to):
        values = {key: found[key].get(month, 0) for key, _ in TREND}
        if scope.published:
            values = {key: disclosure.count(n, rule) for key, n in values.items()}
        rows.append({"month": month, **values})
    return {"columns": TREND, "rows": rows}


def trend_as_csv(trend: dict[str, Any], *, published: bool) -> bytes:
    out = io.StringIO()
    writer = csv_writer(out)
    writer.writerow([disclosure.marking(published)])
    writer.writerow(["month", *[key for key, _ in trend["columns"]]])
    for row in trend["rows"]:
        cells = [
            disclosure.SUPPRESSED if row[key] is None else row[key] for key, _ in trend["columns"]
        ]
        writer.writerow([f"{row['month']:%Y-%m}", *cells])
    return out.getvalue().encode("utf-8")


def trend_charts(trend: dict[str, Any]) -> list[dict[str, str]]:
    return [
        figure(
            Chart(
                f"{label} by month",
                "",
                [Bar(f"{row['month']:%b %Y}", row[key]) for row in trend["rows"]],
            )
        )
        for key, label in trend["columns"]
    ]


# --- side by side -------------------------------------------------------------------------------


def areas_side_by_side(by_area_shown: dict[str, Any]) -> dict[str, Any]:
    """The by-area table turned round: a row per measure, a column per local authority."""
    areas: list[tuple[str, str]] = []
    cells: dict[tuple[str, str], dict[str, Any]] = {}
    for row in by_area_shown["rows"]:
        code, measure = row["key"].split(":", 1)
        if (code, row["label"].split(":")[0]) not in areas:
            areas.append((code, row["label"].split(":")[0]))
        cells[(measure, code)] = row
    labels = {
        row["key"].split(":", 1)[1]: row["label"].split(": ", 1)[1] for row in by_area_shown["rows"]
    }
    return {
        "areas": areas,
        "rows": [
            {"label": labels[m], "cells": [cells.get((m, code), {}) for code, _ in areas]}
            for m in PERFORMANCE
            if m in labels
        ],
    }


# --- a manager's advocates ----------------------------------------------------------------------


def advocates_view(found: dict[Any, dict[str, int]]) -> list[dict[str, Any]]:
    """The performance measures for each advocate (`found`: by advocate id; exact figures:
    only managers, who see the cases themselves, get this view)."""
    people = {u.pk: u for u in User.objects.filter(pk__in=[k for k in found if k is not None])}
    rows = []
    for pk, measures in found.items():
        person = people.get(pk)
        name = (person.get_full_name() or person.username) if person else "No advocate"
        begun = measures["started"] or 0
        rows.append(
            {
                "name": name,
                "started": begun,
                "completed_activity": measures["completed_activity"],
                "significant_improvement": measures["significant_improvement"],
                "job_outcomes": measures["job_outcomes"],
                "positive_outcomes": measures["positive_outcomes"],
                "positive_percent": percent(measures["positive_outcomes"], begun),
            }
        )
    return sorted(rows, key=lambda r: r["name"])


@dataclass
class Dashboard:
    scope: Scope
    performance: dict[str, Any]
    targets: list[TargetStatus]
    target_chart: dict[str, str]
    trend: dict[str, Any]
    trend_charts: list[dict[str, str]]
    areas: dict[str, Any]
    area_chart: dict[str, str]
    advocates: list[dict[str, Any]] | None


def dashboard(scope: Scope, *, trend_from: dt.date | None, with_advocates: bool) -> Dashboard:
    # One count over the grid of local authority and advocate, summed three ways.
    grid = performance_by(scope, GRID)
    table = performance(scope, rollup(grid, None).get("all", EMPTY))
    shown = figures(table, scope.published)
    targets = target_statuses(scope, shown)
    target_chart = figure(
        Chart(
            "Current position against the trajectory (% of where we should be by now)",
            "%",
            [
                Bar(
                    t.label,
                    None
                    if t.current is None or not t.expected
                    else round(100 * t.current / t.expected, 1),
                    100.0,
                    empty="[c] not shown" if t.withheld else "no figure yet",
                )
                for t in targets
            ],
        )
    )
    area_table = by_area(scope, rollup(grid, 0))
    area_shown = figures(area_table, scope.published)
    trend = monthly_trend(scope, trend_start(scope, trend_from))
    return Dashboard(
        scope=scope,
        performance=shown,
        targets=targets,
        target_chart=target_chart,
        trend=trend,
        trend_charts=trend_charts(trend),
        areas=areas_side_by_side(area_shown),
        area_chart=table_figure(area_table, area_shown),
        # A manager's advocates, by name with exact counts: never in published figures.
        advocates=advocates_view(rollup(grid, 1))
        if with_advocates and not scope.published
        else None,
    )
