"""The performance measures (Table 1, and by local authority): households started, completed
activities, significant improvements, job outcomes and positive outcomes, each counted once a
household, from the outcomes the rules keep and the readings as at the report date."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Q, QuerySet

from pathways.areas.models import LocalAuthority
from pathways.outcomes.models import ACTIVE, Outcome
from pathways.programmes.definition import TARGET_MEASURES
from pathways.reporting import readings
from pathways.reporting.figures import COUNT, TARGET, TITLES, Column, Row, Table, target_value
from pathways.reporting.scope import Scope, group_expression, started


def outcomes_by(scope: Scope, kinds: list[str]) -> QuerySet[Outcome]:
    """The kept outcomes of these kinds, still holding, achieved on or before the report date,
    of the scope's started households. The engine keeps outcomes of participants only and
    withdraws them when someone stops taking part, so a holding outcome is a participant's."""
    return Outcome.objects.filter(
        household__in=started(scope),
        kind__in=kinds,
        status__in=ACTIVE,
        achieved_on__lte=scope.date_to,
    )


PERFORMANCE = [
    "started",
    "completed_activity",
    "significant_improvement",
    "job_outcome_rate",
    "job_outcomes",
    "positive_outcomes",
]


def performance_by(scope: Scope, group: str | None = None) -> dict[Any, dict[str, int]]:
    """The performance measures for each group of households (`group`: a path from the
    household, e.g. "local_authority__code", "advocate_id"; None: one group, "all")."""

    def grp(prefix: str) -> Any:
        return group_expression(group, prefix)

    homes = started(scope).values("id", grp=grp(""))
    held = (
        outcomes_by(scope, [Outcome.Kind.COMPLETED_ACTIVITY, Outcome.Kind.JOB_OUTCOME])
        .values("household_id")
        .annotate(
            activity=Count("id", filter=Q(kind=Outcome.Kind.COMPLETED_ACTIVITY)),
            jobs=Count("id", filter=Q(kind=Outcome.Kind.JOB_OUTCOME)),
        )
    )
    return readings.household_measures(scope, homes, held)


def rollup(found: dict[Any, dict[str, int]], part: int | None) -> dict[Any, dict[str, int]]:
    """Grid figures (keys "CODE:advocate id") summed by local authority (`part` 0), advocate
    (1) or into one group, "all" (None): each household is in one cell of the grid."""
    out: dict[Any, dict[str, int]] = {}
    for key, measures in found.items():
        code, _, advocate = str(key).partition(":")
        into = (
            "all"
            if part is None
            else (code if part == 0 else (int(advocate) if advocate else None))
        )
        total = out.setdefault(into, dict.fromkeys(measures, 0))
        for name, value in measures.items():
            total[name] += value
    return out


def _performance_rows(scope: Scope, found: dict[str, int], *, targets: bool) -> list[Row]:
    begun = found["started"]

    def target(measure: str) -> int | None:
        return target_value(scope, measure) if targets else None

    return [
        Row("started", TARGET_MEASURES["started"], begun, target=target("started")),
        Row(
            "completed_activity",
            TARGET_MEASURES["completed_activity"],
            found["completed_activity"],
            share=(found["completed_activity"], begun),
            target=target("completed_activity"),
        ),
        Row(
            "significant_improvement",
            TARGET_MEASURES["significant_improvement"],
            found["significant_improvement"],
            share=(found["significant_improvement"], begun),
            target=target("significant_improvement"),
        ),
        Row(
            "job_outcome_rate",
            "Households where someone moved into work (%)",
            found["job_households"],
            share=(found["job_households"], begun),
            target=target("job_outcome_rate"),
        ),
        Row(
            "job_outcomes",
            "Job outcomes (participants)",
            found["job_outcomes"],
            target=target("job_outcomes"),
        ),
        Row(
            "positive_outcomes",
            TARGET_MEASURES["positive_outcomes"],
            found["positive_outcomes"],
            share=(found["positive_outcomes"], begun),
            target=target("positive_outcomes"),
        ),
    ]


EMPTY = dict.fromkeys(PERFORMANCE + ["job_households"], 0)


def performance(scope: Scope, found: dict[str, int] | None = None) -> Table:
    """Table 1. `found`: the measures already counted (the dashboard counts once for all)."""
    if found is None:
        found = performance_by(scope).get("all") or EMPTY
    return Table(
        "performance",
        TITLES["performance"],
        scope,
        _performance_rows(scope, found, targets=True),
        base=found["started"],
        base_label="households started",
        columns=[COUNT, Column("percent", "% of households started", "percent"), TARGET],
        notes=[
            "A household counts once in each measure, however many of its members qualify; "
            "job outcomes count participants. The moved-into-work row's number is households "
            "with a job outcome; its percentage is the rate the target is set in.",
        ],
    )


def by_area(scope: Scope, found: dict[Any, dict[str, int]] | None = None) -> Table:
    if found is None:
        found = performance_by(scope, "local_authority__code")
    areas = LocalAuthority.objects.filter(
        Q(programmes=scope.programme) | Q(code__in=list(found))
    ).distinct()
    if scope.area is not None:
        areas = areas.filter(pk=scope.area.pk)
    rows: list[Row] = []
    for area in areas.order_by("name"):
        for row in _performance_rows(scope, found.get(area.code, EMPTY), targets=False):
            row.key = f"{area.code}:{row.key}"
            row.label = f"{area.name}: {row.label}"
            rows.append(row)
    # Each measure's areas add up to the programme's figure (Table 1): protected together.
    parts = []
    for measure in PERFORMANCE:
        members = [row for row in rows if row.key.endswith(f":{measure}")]
        parts.append(("count", sum(row.count or 0 for row in members), [r.key for r in members]))
    return Table(
        "by-area",
        TITLES["by-area"],
        scope,
        rows,
        base=sum(f["started"] for f in found.values()),
        base_label="households started",
        columns=[COUNT, Column("percent", "% of households started", "percent")],
        parts=parts,
    )
