"""A person's action plan: the goals they agree and the activities that work towards them."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils import timezone

from pathways.accounts.models import Actor
from pathways.assessments.models import InstrumentPoint
from pathways.audit import services as audit
from pathways.audit.verbs import Verb
from pathways.casework.models import Activity, Goal
from pathways.core.exceptions import RuleError
from pathways.households.models import Household, Person, TimelineEntry
from pathways.households.writing import records_changed


def star_points(household: Household) -> dict[str, str]:
    """The points of the household's programme's star, code to name."""
    return dict(
        InstrumentPoint.objects.filter(instrument__code=household.programme.instrument).values_list(
            "code", "name"
        )
    )


def _user(actor: Actor) -> Any:
    return actor if getattr(actor, "is_authenticated", False) else None


@transaction.atomic
def add_goal(
    *, actor: Actor, person: Person, description: str, star_point: str = "", agreed_date: dt.date
) -> Goal:
    household = person.household
    problems = {}
    if not description.strip():
        problems["description"] = "Describe the goal"
    if star_point and star_point not in star_points(household):
        problems["star_point"] = f"{star_point!r} is not a point of the programme's star"
    if agreed_date > timezone.localdate():
        problems["agreed_date"] = "The date agreed must be today or in the past"
    if problems:
        raise RuleError(problems)
    goal = Goal.objects.create(
        person=person,
        description=description.strip(),
        star_point=star_point,
        agreed_date=agreed_date,
        recorded_by=_user(actor),
    )
    TimelineEntry.objects.create(
        household=household,
        on=agreed_date,
        kind="goal",
        summary=f"Goal for {person}: {goal}",
        actor=_user(actor),
    )
    audit.record(
        actor=actor,
        verb=Verb.GOAL_CREATED,
        target=goal,
        programme=household.programme,
        data={"person": person.pk},
    )
    return goal


def check_activity(facts: dict[str, Any], *, today: dt.date) -> dict[str, str]:
    """Problems with an activity's facts (shared by the form, the API and the importer)."""
    problems: dict[str, str] = {}
    agreed, due, completed = (
        facts.get("agreed_date"),
        facts.get("due_date"),
        facts.get("completed_date"),
    )
    if facts.get("activity_type") not in Activity.Type.values:
        problems["activity_type"] = "Choose the kind of activity"
    if agreed and agreed > today:
        problems["agreed_date"] = "The date agreed must be today or in the past"
    if due and agreed and due < agreed:
        problems["due_date"] = "The date it is due must be on or after the date agreed"
    if completed and completed > today:
        problems["completed_date"] = "The date completed must be today or in the past"
    elif completed and agreed and completed < agreed:
        problems["completed_date"] = "The date completed must be on or after the date agreed"
    hours = facts.get("hours")
    if hours is not None and (hours < 0 or hours > 2000):
        problems["hours"] = "Enter the hours as a number from 0 to 2000"
    if facts.get("status") == Activity.Status.COMPLETED and not completed:
        problems["completed_date"] = "Enter the date it was completed"
    return problems


@transaction.atomic
def add_activity(*, actor: Actor, person: Person, **facts: Any) -> Activity:
    """An agreed activity on a person's action plan."""
    household = person.household
    facts = {k: v for k, v in facts.items() if v not in ("", None) or k == "hours"}
    if facts.get("completed_date"):
        facts["status"] = Activity.Status.COMPLETED
    problems = check_activity(facts, today=timezone.localdate())
    point = facts.get("star_point", "")
    if point and point not in star_points(household):
        problems["star_point"] = f"{point!r} is not a point of the programme's star"
    goal = facts.get("goal")
    if goal is not None and goal.person_id != person.pk:
        problems["goal"] = "Choose one of this person's goals"
    if problems:
        raise RuleError(problems)
    activity = Activity.objects.create(person=person, recorded_by=_user(actor), **facts)
    records_changed(household)
    TimelineEntry.objects.create(
        household=household,
        on=activity.agreed_date,
        kind="activity",
        summary=f"Activity agreed with {person}: {activity}",
        actor=_user(actor),
    )
    audit.record(
        actor=actor,
        verb=Verb.ACTIVITY_CREATED,
        target=activity,
        programme=household.programme,
        data={"person": person.pk},
    )
    return activity


@transaction.atomic
def update_activity(
    *, actor: Actor, activity: Activity, status: str, completed_date: dt.date | None = None
) -> Activity:
    """Move an activity on: in progress, completed (with its date) or dropped."""
    activity = Activity.objects.select_for_update().get(pk=activity.pk)
    if status not in Activity.Status.values:
        raise RuleError({"status": "Choose a status"})
    facts = {
        "activity_type": activity.activity_type,
        "agreed_date": activity.agreed_date,
        "due_date": activity.due_date,
        "status": status,
        "completed_date": completed_date if status == Activity.Status.COMPLETED else None,
        "hours": activity.hours,
    }
    problems = check_activity(facts, today=timezone.localdate())
    if problems:
        raise RuleError(problems)
    before = {"status": activity.status, "completed_date": str(activity.completed_date or "")}
    activity.status = status
    activity.completed_date = facts["completed_date"]
    activity.save(update_fields=["status", "completed_date"])
    household = activity.person.household
    records_changed(household)
    if status == Activity.Status.COMPLETED:
        TimelineEntry.objects.create(
            household=household,
            on=completed_date,
            kind="activity_completed",
            summary=f"{activity.person} completed: {activity}",
            actor=_user(actor),
        )
    audit.record(
        actor=actor,
        verb=Verb.ACTIVITY_CHANGED,
        target=activity,
        programme=household.programme,
        data={
            "before": before,
            "after": {"status": status, "completed_date": str(activity.completed_date or "")},
        },
    )
    return activity
