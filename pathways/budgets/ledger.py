"""Spending the Household Support Budget without ever overspending or losing a penny.

Every change locks the household's Budget row first (SELECT … FOR UPDATE on PostgreSQL; on
SQLite every transaction takes the write lock up front: settings' "IMMEDIATE"), then reads the
balance from the entries, then writes new entries. Two spends at once therefore queue, and the
second sees the first. Money is whole pence (int) throughout; never a float.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.db.models import Q, Sum
from django.utils import timezone

from pathways.accounts.models import Actor
from pathways.audit import services as audit
from pathways.audit.verbs import Verb
from pathways.budgets.models import Budget, Category, Entry
from pathways.budgets.rules import (
    SPENT,
    USED,
    check_request,
    may_approve,
    refund_problems,
    spend_problems,
)
from pathways.core.exceptions import RuleError
from pathways.core.money import pounds
from pathways.households.models import Household, TimelineEntry
from pathways.programmes.spending_rules import SpendingRules, rules_of


@dataclass(frozen=True)
class Balance:
    allocated: int
    committed: int
    spent: int
    available: int


def balance(budget: Budget) -> Balance:
    """The balance, worked out from the entries in one query."""
    totals = budget.entries.aggregate(
        allocated=Sum(
            "amount_pence", filter=Q(kind__in=[Entry.Kind.ALLOCATION, Entry.Kind.ADJUSTMENT])
        ),
        commitments=Sum(
            "amount_pence", filter=Q(kind__in=[Entry.Kind.COMMITMENT, Entry.Kind.RELEASE])
        ),
        spending=Sum("amount_pence", filter=Q(kind__in=[Entry.Kind.SPEND, Entry.Kind.REFUND])),
        available=Sum("amount_pence"),
    )
    return Balance(
        allocated=totals["allocated"] or 0,
        committed=-(totals["commitments"] or 0),
        spent=-(totals["spending"] or 0),
        available=totals["available"] or 0,
    )


def recorder(actor: Actor) -> Any:
    """The user to record as having made a change (none for the system)."""
    return actor if getattr(actor, "is_authenticated", False) else None


def lock(household: Household) -> Budget:
    """The household's budget, locked for this transaction."""
    budget = Budget.objects.select_for_update().filter(household=household).first()
    if budget is None:
        raise RuleError({"amount": "This household has no budget"})
    return budget


def add_entry(
    budget: Budget, actor: Actor, kind: str, amount: int, on: dt.date, **fields: Any
) -> Entry:
    """One new ledger entry, with its audit event."""
    entry = Entry.objects.create(
        budget=budget,
        kind=kind,
        amount_pence=amount,
        date=on,
        recorded_by=recorder(actor),
        **fields,
    )
    household = budget.household
    audit.record(
        actor=actor,
        verb=Verb(f"budget.{kind}"),
        target=entry,
        programme=household.programme,
        data={
            "household": household.pk,
            "amount_pence": amount,
            **{k: str(v) for k, v in fields.items() if k != "request"},
        },
    )
    return entry


def add_note(household: Household, actor: Actor, on: dt.date, summary: str) -> None:
    """A line on the household's timeline about its budget."""
    TimelineEntry.objects.create(
        household=household, on=on, kind="budget", summary=summary, actor=recorder(actor)
    )


def _category_total(budget: Budget, category: str, kinds: list[str]) -> int:
    return -(
        budget.entries.filter(category=category, kind__in=kinds).aggregate(
            total=Sum("amount_pence")
        )["total"]
        or 0
    )


def check_rules(
    rules: SpendingRules, budget: Budget, category: str, amount: int, available: int | None = None
) -> None:
    """Spending `amount` on `category` keeps to the programme's rules, given the ledger."""
    used = _category_total(budget, category, USED) if rules.category_caps.get(category) else 0
    problems = spend_problems(rules, category, amount, used=used, available=available)
    if problems:
        raise RuleError(problems)


def _check_refund(budget: Budget, category: str, amount: int) -> None:
    problems = refund_problems(category, amount, spent=_category_total(budget, category, SPENT))
    if problems:
        raise RuleError(problems)


@transaction.atomic
def refund(
    *,
    actor: Actor,
    household: Household,
    amount_pence: int,
    category: str,
    description: str = "",
    on: dt.date | None = None,
) -> Entry:
    """Money coming back (a refund from a supplier): never more than has been spent on that
    kind of cost (so a refund cannot make room under a category's cap)."""
    on = on or timezone.localdate()
    check_request(category, amount_pence)
    budget = lock(household)
    _check_refund(budget, category, amount_pence)
    entry = add_entry(
        budget,
        actor,
        Entry.Kind.REFUND,
        amount_pence,
        on,
        category=category,
        description=description.strip(),
    )
    add_note(
        household,
        actor,
        on,
        f"Refund of {pounds(amount_pence)} ({Category(category).label.lower()})",
    )
    return entry


@transaction.atomic
def adjust(
    *, actor: Actor, household: Household, amount_pence: int, reason: str, on: dt.date | None = None
) -> Entry:
    """A manager tops the budget up or reduces it, with a reason; never below what is committed
    and spent."""
    on = on or timezone.localdate()
    if not may_approve(actor, household):
        raise RuleError(
            {
                "amount": "Only the household's team manager or a programme manager can change the budget"
            }
        )
    if not isinstance(amount_pence, int) or amount_pence == 0:
        raise RuleError({"amount": "Enter the change, like 100.00 or -50.00"})
    if not reason.strip():
        raise RuleError({"reason": "Enter the reason for the change"})
    budget = lock(household)
    available = balance(budget).available
    if available + amount_pence < 0:
        raise RuleError(
            {
                "amount": f"The budget can be reduced by at most {pounds(available)} (what is not committed or spent)"
            }
        )
    entry = add_entry(
        budget, actor, Entry.Kind.ADJUSTMENT, amount_pence, on, description=reason.strip()
    )
    add_note(
        household,
        actor,
        on,
        f"Budget {'increased' if amount_pence > 0 else 'reduced'} by {pounds(abs(amount_pence))}: {reason.strip()}",
    )
    return entry


# --- spending recorded elsewhere (budget.csv of the exchange format) --------------------------


@dataclass
class Ledgers:
    """Budgets' ledgers held in memory, to check many lines at once (an import) by the same rules
    as `check_rules`: what each budget has available, and has used (committed or spent) and
    spent of each kind of cost."""

    available: Counter[int] = field(default_factory=Counter)
    used: Counter[tuple[int, str]] = field(default_factory=Counter)
    spent: Counter[tuple[int, str]] = field(default_factory=Counter)

    def take(
        self, rules: SpendingRules, budget_id: int, category: str, amount: int
    ) -> dict[str, str]:
        """What is wrong with a spend (positive `amount`) or refund (negative); if nothing, the
        line is counted in the ledger for the lines after it."""
        if amount > 0:
            problems = spend_problems(
                rules,
                category,
                amount,
                used=self.used[(budget_id, category)],
                available=self.available[budget_id],
            )
        else:
            problems = refund_problems(category, -amount, spent=self.spent[(budget_id, category)])
        if not problems:
            self.available[budget_id] -= amount
            self.used[(budget_id, category)] += amount
            self.spent[(budget_id, category)] += amount
        return problems


def ledgers_of(budget_ids: Iterable[int]) -> Ledgers:
    """The budgets' ledgers as they stand, in one query."""
    ledgers = Ledgers()
    for budget_id, kind, category, total in (
        Entry.objects.filter(budget_id__in=list(budget_ids))
        .values_list("budget_id", "kind", "category")
        .annotate(total=Sum("amount_pence"))
    ):
        ledgers.available[budget_id] += total
        if kind in USED:
            ledgers.used[(budget_id, category)] -= total
        if kind in SPENT:
            ledgers.spent[(budget_id, category)] -= total
    return ledgers


@transaction.atomic
def record_past_spending(
    *,
    actor: Actor,
    household: Household,
    on: dt.date,
    category: str,
    amount_pence: int,
    description: str,
    source_key: str,
    removed: bool = False,
) -> str:
    """A spend (positive) or refund (negative) already made, from an imported file, through
    the same rules as the pages: an eligible cost within the caps, never more than is
    available, a refund never more than was spent. The approval threshold does not apply: the
    money was approved and paid where it was recorded.

    Idempotent on `source_key`: the same row again changes nothing ("unchanged"); a changed
    amount adds an entry for the difference ("updated"); the ledger is never edited.
    """
    if not isinstance(amount_pence, int) or isinstance(amount_pence, bool):
        raise RuleError({"amount": "Enter an amount of money"})
    if amount_pence == 0 and not removed:
        raise RuleError({"amount": "Enter an amount that is not zero"})
    if category not in Category.values:
        raise RuleError({"category": "Choose what the money is for"})
    budget = lock(household)
    recorded = budget.entries.filter(source_key=source_key).aggregate(total=Sum("amount_pence"))
    # Entries are signed by their effect on the money available: a spend is negative.
    before = -(recorded["total"] or 0)
    change = amount_pence - before
    if change == 0:
        return "unchanged"
    now = balance(budget)
    if removed:
        # Undoing an earlier entry exactly; the importer checks the household's ledger as a
        # whole once every row is in (see `check_ledger`).
        kind = Entry.Kind.SPEND if change > 0 else Entry.Kind.REFUND
    elif change > 0:
        check_rules(rules_of(household.programme), budget, category, change, now.available)
        kind = Entry.Kind.SPEND
    else:
        _check_refund(budget, category, -change)
        kind = Entry.Kind.REFUND
    note = (
        f"Reversal: the imported row of {pounds(before)} is no longer in the file"
        if removed
        else description.strip()
        if not before
        else f"Correction of an imported row: {pounds(before)} is now {pounds(amount_pence)}"
    )
    add_entry(
        budget,
        actor,
        kind,
        -change,
        on,
        category=category,
        description=note[:500],
        source_key=source_key,
    )
    add_note(
        household,
        actor,
        on,
        f"Imported {'spending' if kind == Entry.Kind.SPEND else 'refund'} of {pounds(abs(change))} ({Category(category).label.lower()})",
    )
    return "reversed" if removed else "created" if not before else "updated"


def check_ledger(household: Household) -> dict[str, str]:
    """What is wrong with a household's ledger as a whole, if anything: more spent than
    available, or more refunded than spent on some kind of cost."""
    budget = household.budget
    problems = {}
    if balance(budget).available < 0:
        problems["amount"] = "The budget would be overspent"
    negative = (
        budget.entries.filter(kind__in=[Entry.Kind.SPEND, Entry.Kind.REFUND])
        .values("category")
        .annotate(total=Sum("amount_pence"))
        .filter(total__gt=0)
    )
    for row in negative:
        problems["category"] = (
            f"More would be refunded than spent on {Category(row['category']).label.lower()}"
        )
    return problems
