"""The household's exit plan: the phased steps out of support."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils import timezone

from pathways.accounts.models import Actor
from pathways.audit import services as audit
from pathways.audit.verbs import Verb
from pathways.casework.models import ExitStep
from pathways.core.exceptions import RuleError
from pathways.households.models import Household, TimelineEntry


def _user(actor: Actor) -> Any:
    return actor if getattr(actor, "is_authenticated", False) else None


@transaction.atomic
def add_exit_step(
    *,
    actor: Actor,
    household: Household,
    description: str,
    due_date: dt.date,
    onward_provision: str = "",
) -> ExitStep:
    """A phase of the household's exit: fewer visits, a hand-over, onward provision."""
    problems = {}
    if household.status != Household.Status.STARTED:
        problems["description"] = "Only a household on the programme has an exit plan"
    if not description.strip():
        problems["description"] = "Describe the step"
    if household.start_date and due_date < household.start_date:
        problems["due_date"] = "The step must be due on or after the start"
    if problems:
        raise RuleError(problems)
    step = ExitStep.objects.create(
        household=household,
        description=description.strip(),
        onward_provision=onward_provision.strip(),
        due_date=due_date,
        recorded_by=_user(actor),
    )
    TimelineEntry.objects.create(
        household=household,
        on=timezone.localdate(),
        kind="exit_plan",
        summary=f"Exit plan: {step} by {due_date:%-d %B %Y}",
        actor=_user(actor),
    )
    audit.record(
        actor=actor,
        verb=Verb.EXIT_STEP_CREATED,
        target=step,
        programme=household.programme,
        data={"due_date": due_date.isoformat()},
    )
    return step


@transaction.atomic
def complete_exit_step(*, actor: Actor, step: ExitStep, done_date: dt.date) -> ExitStep:
    if done_date > timezone.localdate():
        raise RuleError({"done_date": "The date must be today or in the past"})
    step.done_date = done_date
    step.save(update_fields=["done_date"])
    TimelineEntry.objects.create(
        household=step.household,
        on=done_date,
        kind="exit_plan",
        summary=f"Exit plan step done: {step}",
        actor=_user(actor),
    )
    audit.record(
        actor=actor,
        verb=Verb.EXIT_STEP_DONE,
        target=step,
        programme=step.household.programme,
        data={"done_date": done_date.isoformat()},
    )
    return step
