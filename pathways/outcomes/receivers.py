"""Outcomes follow the records: one household when its records change, the whole programme (in
the background) when the programme's measures change."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.dispatch import receiver

from pathways.households.signals import records_changed
from pathways.outcomes.engine import recompute_household
from pathways.outcomes.tasks import recompute_programme_outcomes
from pathways.programmes.signals import programme_changed


@receiver(records_changed)
def recompute_after_a_change(sender: Any, household: Any, **kwargs: Any) -> None:
    recompute_household(household)


@receiver(programme_changed)
def recompute_after_new_measures(
    sender: Any, programme: Any, before: dict, after: dict, **kwargs: Any
) -> None:
    if not before:
        return  # a new programme has no households yet
    if before.get("measures") == after.get("measures") and before.get("instrument") == after.get(
        "instrument"
    ):
        return
    transaction.on_commit(lambda: recompute_programme_outcomes.enqueue(programme.pk))
