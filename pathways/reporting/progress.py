"""Progress: the progress measures, job outcomes and completed activities against their
targets, and the distance travelled on the star. Star readings are asked as they stood on the
report date (`readings.py`): a later reading can undo an improvement."""

from __future__ import annotations

from decimal import Decimal

from django.db.models import Count, Q, QuerySet

from pathways.casework.models import Activity
from pathways.households.participation import participating
from pathways.outcomes.models import Outcome
from pathways.reporting import readings
from pathways.reporting.figures import COUNT, TARGET, TITLES, Column, Row, Table, target_value
from pathways.reporting.performance import outcomes_by
from pathways.reporting.scope import Scope, participants, started


def _participant_base(scope: Scope) -> int:
    return participants(scope, subgroup=False).count()


def _completed_activities(scope: Scope) -> QuerySet[Activity]:
    """Activities of participants (programmes.md), completed on or before the report date."""
    return Activity.objects.filter(
        participating("person__"),
        person__household__in=started(scope),
        status=Activity.Status.COMPLETED,
        completed_date__isnull=False,
        completed_date__lte=scope.date_to,
    )


def progress_figures(scope: Scope) -> dict[str, int]:
    measures = scope.programme.measures or {}
    min_hours = Decimal(str(measures.get("course_min_hours", 5)))
    activities = _completed_activities(scope).aggregate(
        work=Count("id", filter=Q(activity_type=Activity.Type.WORK_RELATED)),
        courses=Count("id", filter=Q(activity_type=Activity.Type.COURSE, hours__gte=min_hours)),
    )
    improved = readings.improvement_by_group(scope).get("all", {})
    return {
        "progress_measures": improved.get("progress_measures", 0),
        "job_outcomes": outcomes_by(scope, [Outcome.Kind.JOB_OUTCOME]).count(),
        "work_related_activities": activities["work"],
        "courses_5h": activities["courses"],
    }


def progress(scope: Scope) -> Table:
    found = progress_figures(scope)
    labels = {
        "progress_measures": "Progress measures (star points moved up)",
        "job_outcomes": "Job outcomes",
        "work_related_activities": "Work-related activities completed",
        "courses_5h": "Courses of 5 hours or more completed",
    }
    rows = [
        Row(key, label, found[key], target=target_value(scope, key))
        for key, label in labels.items()
    ]
    return Table(
        "progress",
        TITLES["progress"],
        scope,
        rows,
        base=_participant_base(scope),
        base_label="participants started",
        columns=[COUNT, TARGET],
        notes=[
            "One progress measure per participant per star point whose latest reading is above "
            "their first. Activities of participants, completed by the report date."
        ],
    )


def distance_travelled(scope: Scope) -> Table:
    found = readings.distance_travelled(scope)
    people = found["people"]
    rows = []
    for point in found["points"]:
        figures_ = found["by_point"].get(
            point.pk, {"people": 0, "first_sum": 0, "latest_sum": 0, "moved_up": 0, "steps": {}}
        )
        n = figures_["people"]
        steps = range(point.scale_min, point.scale_max + 1)
        rows.append(
            Row(
                point.code,
                point.name,
                figures_["moved_up"],
                share=(figures_["moved_up"], n),
                shares={f"step_{s}": (figures_["steps"].get(s, 0), n) for s in steps},
                averages={
                    "first_average": (figures_["first_sum"], n),
                    "latest_average": (figures_["latest_sum"], n),
                },
            )
        )
    rows.append(
        Row(
            "any_point",
            "Moved up on at least one point",
            found["moved_up_anywhere"],
            share=(found["moved_up_anywhere"], people),
        )
    )
    steps = sorted({s for p in found["points"] for s in range(p.scale_min, p.scale_max + 1)})
    subgroup = scope.subgroup.describe()
    return Table(
        "distance-travelled",
        TITLES["distance-travelled"] + (f" ({subgroup})" if subgroup else ""),
        scope,
        rows,
        base=people,
        base_label="participants with two or more readings",
        columns=[
            Column("count", "Moved up"),
            Column("percent", "% moved up", "percent"),
            Column("first_average", "Average first score", "average"),
            Column("latest_average", "Average latest score", "average"),
            *[Column(f"step_{s}", f"% at step {s} first", "percent") for s in steps],
        ],
        notes=[
            "First reading: the earliest; latest: the last on or before the report date. The "
            "step columns are the need profile: where people were at their first reading."
        ],
    )
