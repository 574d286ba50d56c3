"""When each household's next star reading and next action are due: the one rule, for one
household or a batch.

The next reading is due `star_reading_interval_weeks` (a programme setting, 12 by default) after
an adult participant's latest reading, or at the start for anyone without one; the household's
date is the earliest. The next action is the earliest due date of an agreed or in-progress
activity. Both are kept on two plain columns of the household, so the caseload can flag and
sort on them. Casework owns the rule; it runs when a household's records change or the
programme's interval changes (casework/receivers.py), and the importer calls the batch form.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Sequence

from django.db import connection
from django.db.models import Max, Min, QuerySet

from pathways.assessments.models import Reading
from pathways.casework.models import Activity
from pathways.households.models import Household, Person
from pathways.households.participation import participating
from pathways.programmes.models import Programme

DEFAULT_INTERVAL_WEEKS = 12
BATCH = 1000


def refresh_household_due_dates(household: Household) -> None:
    """Work out one household's due dates again, saving them and setting them on `household`."""
    [fresh], _ = _work_out(Household.objects.filter(pk=household.pk))
    household.reading_due_on, household.action_due_on = fresh.reading_due_on, fresh.action_due_on


def refresh_due_dates(household_ids: Sequence[int]) -> int:
    """Work out the due dates of these households again, a batch of 1,000 in five queries;
    return how many changed."""
    ids = sorted(set(household_ids))
    changed = 0
    for start in range(0, len(ids), BATCH):
        _, saved = _work_out(Household.objects.filter(pk__in=ids[start : start + BATCH]))
        changed += saved
    return changed


def refresh_programme_due_dates(programme: Programme) -> int:
    """Every started household of the programme (its reading interval changed)."""
    ids = programme.households.filter(status=Household.Status.STARTED).values_list("pk", flat=True)
    return refresh_due_dates(list(ids))


def _interval_weeks(programme_ids: set[int]) -> dict[int, int]:
    measures = Programme.objects.filter(pk__in=programme_ids).values_list("pk", "measures")
    return {
        pk: (m or {}).get("star_reading_interval_weeks", DEFAULT_INTERVAL_WEEKS)
        for pk, m in measures
    }


def _work_out(queryset: QuerySet[Household]) -> tuple[list[Household], int]:
    """The households with their due dates worked out, and how many changed (those are saved)."""
    households = list(
        queryset.only(
            "pk", "programme_id", "status", "start_date", "reading_due_on", "action_due_on"
        )
    )
    ids = [h.pk for h in households]
    weeks = _interval_weeks({h.programme_id for h in households})
    participants: dict[int, list[int]] = defaultdict(list)
    for pk, household_id in Person.objects.filter(
        participating(), household_id__in=ids, left_on__isnull=True
    ).values_list("pk", "household_id"):
        participants[household_id].append(pk)
    latest = dict(
        Reading.objects.filter(person__household_id__in=ids, superseded=False)
        .values("person_id")
        .annotate(latest=Max("date"))
        .values_list("person_id", "latest")
    )
    actions = dict(
        Activity.objects.filter(
            person__household_id__in=ids,
            status__in=[Activity.Status.AGREED, Activity.Status.IN_PROGRESS],
            due_date__isnull=False,
        )
        .values("person__household_id")
        .annotate(first=Min("due_date"))
        .values_list("person__household_id", "first")
    )
    changed = []
    for household in households:
        reading_due = action_due = None
        if household.status == Household.Status.STARTED and household.start_date:
            interval = dt.timedelta(weeks=weeks[household.programme_id])
            dues = [
                latest[p] + interval if p in latest else household.start_date
                for p in participants[household.pk]
            ]
            reading_due = min(dues) if dues else None
            action_due = actions.get(household.pk)
        if (household.reading_due_on, household.action_due_on) != (reading_due, action_due):
            household.reading_due_on, household.action_due_on = reading_due, action_due
            changed.append(household)
    _save(changed)
    return households, len(changed)


def _save(changed: list[Household]) -> None:
    # One plain UPDATE a household, sent together (bulk_update's CASE over 1,000 rows is slow).
    if not changed:
        return
    with connection.cursor() as cursor:
        cursor.executemany(
            f"UPDATE {connection.ops.quote_name(Household._meta.db_table)}"  # noqa: S608 - the model's table
            " SET reading_due_on = %s, action_due_on = %s WHERE id = %s",
            [(h.reading_due_on, h.action_due_on, h.pk) for h in changed],
        )
