"""Giving started households the programme's Household Support Budget: once each, none if the
programme has none.

`allocate_many` is the rule, set-based, for any number of households (the importer starts
thousands at once); `allocate` is the same rule for the one household a page starts, with the
audit event and timeline note a page action leaves. (The import records itself: one audit event
for the bundle and a timeline entry for each household it creates.)
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from django.db import transaction
from django.utils import timezone

from pathways.accounts.models import Actor
from pathways.audit import services as audit
from pathways.audit.verbs import Verb
from pathways.budgets.ledger import recorder
from pathways.budgets.models import Budget, Entry
from pathways.core import bulk
from pathways.core.money import pounds
from pathways.households.models import Household, TimelineEntry

DESCRIPTION = "Household Support Budget"
ALLOCATION_COLUMNS = (
    "budget_id",
    "kind",
    "amount_pence",
    "date",
    "category",
    "description",
    "source_key",
    "supplier",
    "request_id",
    "recorded_by_id",
    "created_at",
)


@transaction.atomic
def allocate_many(
    *, actor: Actor, households: Sequence[Household], on: dt.date | None = None
) -> dict[int, int]:
    """Give each started household (saved, with its programme) the programme's budget, once:
    a budget where it has none, and an allocation on `on` (by default the household's start
    date) where it has none. Returns the allocation entries made, by household id."""
    due = [h for h in households if h.programme.budget_per_household_pence > 0]
    if not due:
        return {}
    now = timezone.now()
    budgets = dict(
        Budget.objects.filter(household__in=[h.pk for h in due]).values_list("household_id", "pk")
    )
    bulk.insert(
        Budget,
        ("household_id", "created_at"),
        ((h.pk, now) for h in due if h.pk not in budgets),
    )
    budgets = dict(
        Budget.objects.filter(household__in=[h.pk for h in due]).values_list("household_id", "pk")
    )
    allocated = set(
        Entry.objects.filter(
            budget_id__in=list(budgets.values()), kind=Entry.Kind.ALLOCATION
        ).values_list("budget_id", flat=True)
    )
    started = [h for h in due if budgets[h.pk] not in allocated]
    user = recorder(actor)
    bulk.insert(
        Entry,
        ALLOCATION_COLUMNS,
        (
            (
                budgets[h.pk],
                Entry.Kind.ALLOCATION,
                h.programme.budget_per_household_pence,
                on or h.start_date,
                "",
                DESCRIPTION,
                "",
                "",
                None,
                user.pk if user else None,
                now,
            )
            for h in started
        ),
    )
    made = dict(
        Entry.objects.filter(
            budget_id__in=[budgets[h.pk] for h in started], kind=Entry.Kind.ALLOCATION
        ).values_list("budget_id", "pk")
    )
    return {h.pk: made[budgets[h.pk]] for h in started}


@transaction.atomic
def allocate(*, actor: Actor, household: Household, on: dt.date) -> Budget | None:
    """Give a started household the programme's budget (once; none if the programme has none)."""
    amount = household.programme.budget_per_household_pence
    if amount <= 0:
        return None
    made = allocate_many(actor=actor, households=[household], on=on)
    budget = Budget.objects.get(household=household)
    budget.household = household  # and the household knows its budget
    if household.pk in made:
        entry = Entry.objects.get(pk=made[household.pk])
        audit.record(
            actor=actor,
            verb=Verb.BUDGET_ALLOCATION,
            target=entry,
            programme=household.programme,
            data={"household": household.pk, "amount_pence": amount, "description": DESCRIPTION},
        )
        TimelineEntry.objects.create(
            household=household,
            on=on,
            kind="budget",
            summary=f"Household Support Budget of {pounds(amount)} allocated",
            actor=recorder(actor),
        )
    return budget
