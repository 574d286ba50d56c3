"""A started household's Household Support Budget: its allocation on enrolment."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction

from pathways.budgets.ledger import add_entry, add_note
from pathways.budgets.models import Budget, Entry
from pathways.core.money import pounds
from pathways.households.models import Household


@transaction.atomic
def allocate(*, actor: Any, household: Household, on: dt.date) -> Budget | None:
    """Give a started household the programme's budget (once; none if the programme has none)."""
    amount = household.programme.budget_per_household_pence
    if amount <= 0:
        return None
    budget, created = Budget.objects.get_or_create(household=household)
    if created or not budget.entries.filter(kind=Entry.Kind.ALLOCATION).exists():
        add_entry(
            budget, actor, Entry.Kind.ALLOCATION, amount, on, description="Household Support Budget"
        )
        add_note(household, actor, on, f"Household Support Budget of {pounds(amount)} allocated")
    return budget
