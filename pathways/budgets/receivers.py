"""A household that starts on the programme is given the programme's budget."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.dispatch import receiver

from pathways.accounts.models import Actor
from pathways.budgets.allocation import allocate
from pathways.households.models import Household
from pathways.households.signals import household_started


@receiver(household_started)
def budget_on_start(
    sender: Any, actor: Actor, household: Household, on: dt.date, **kwargs: Any
) -> None:
    allocate(actor=actor, household=household, on=on)
