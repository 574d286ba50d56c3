"""Reading the budget ledger across households: only through the households a user may see,
and always aggregated in the database."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Q, QuerySet, Sum
from django.db.models.functions import Coalesce, TruncMonth

from pathways.accounts.models import User
from pathways.budgets.models import Category, Entry
from pathways.households.selectors import households_visible_to


@dataclass(frozen=True)
class SpendFilter:
    """Which entries a spending view or export covers: one programme, optionally a period of
    the entries' own dates and one local authority."""

    programme: Any
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    local_authority: Any = None


def entries_visible_to(user: User, spend: SpendFilter) -> QuerySet[Entry]:
    """The ledger entries of the households the user may see, within the filter."""
    households = households_visible_to(user).filter(programme=spend.programme)
    if spend.local_authority is not None:
        households = households.filter(local_authority=spend.local_authority)
    entries = Entry.objects.filter(budget__household__in=households)
    if spend.date_from:
        entries = entries.filter(date__gte=spend.date_from)
    if spend.date_to:
        entries = entries.filter(date__lte=spend.date_to)
    return entries


SPENDING = [Entry.Kind.SPEND, Entry.Kind.REFUND]

# Each of these sums is in pence, signed as the ledger's effect on the money available.
_TOTALS = {
    "allocated": Coalesce(
        Sum("amount_pence", filter=Q(kind__in=[Entry.Kind.ALLOCATION, Entry.Kind.ADJUSTMENT])), 0
    ),
    "commitments": Coalesce(
        Sum("amount_pence", filter=Q(kind__in=[Entry.Kind.COMMITMENT, Entry.Kind.RELEASE])), 0
    ),
    "spends": Coalesce(Sum("amount_pence", filter=Q(kind=Entry.Kind.SPEND)), 0),
    "refunds": Coalesce(Sum("amount_pence", filter=Q(kind=Entry.Kind.REFUND)), 0),
    "available": Coalesce(Sum("amount_pence"), 0),
    "households": Count("budget__household", distinct=True),
}


def _money(row: dict[str, Any]) -> dict[str, Any]:
    """Ledger signs turned into the figures people read: spent and committed as positives."""
    return {
        **row,
        "committed": -row["commitments"],
        "spent": -row["spends"],
        "refunded": row["refunds"],
        "net_spent": -(row["spends"] + row["refunds"]),
    }


def spend_totals(entries: QuerySet[Entry]) -> dict[str, Any]:
    """Allocated, committed, spent, refunded and available over the entries, in one query."""
    return _money(entries.aggregate(**_TOTALS))


def spend_by_category(entries: QuerySet[Entry]) -> list[dict[str, Any]]:
    rows = (
        entries.filter(kind__in=SPENDING)
        .values("category")
        .annotate(**_TOTALS)
        .order_by("category")
    )
    labels = dict(Category.choices)
    return [_money(dict(row, label=labels.get(row["category"], "Other"))) for row in rows]


def spend_by_local_authority(entries: QuerySet[Entry]) -> list[dict[str, Any]]:
    rows = (
        entries.values(
            "budget__household__local_authority__code", "budget__household__local_authority__name"
        )
        .annotate(**_TOTALS)
        .order_by("budget__household__local_authority__name")
    )
    return [
        _money(
            dict(
                row,
                code=row["budget__household__local_authority__code"],
                label=row["budget__household__local_authority__name"],
            )
        )
        for row in rows
    ]


def spend_by_month(entries: QuerySet[Entry]) -> list[dict[str, Any]]:
    rows = (
        entries.filter(kind__in=SPENDING)
        .annotate(month=TruncMonth("date"))
        .values("month")
        .annotate(**_TOTALS)
        .order_by("month")
    )
    return [_money(dict(row, label=row["month"].strftime("%B %Y"))) for row in rows]


def average_pence(total: int, count: int) -> int | None:
    """The average in whole pence, halves rounded away from zero; integer arithmetic only."""
    if not count:
        return None
    whole, remainder = divmod(abs(total), count)
    rounded = whole + (1 if 2 * remainder >= count else 0)
    return rounded if total >= 0 else -rounded
