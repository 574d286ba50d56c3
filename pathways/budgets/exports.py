"""The ledger for finance, as CSV or XLSX: one row an entry, amounts exact to the penny.

`change_to_available` is signed as the entry's effect on the money available (an allocation,
a release or a refund adds; a commitment or a spend takes away), so the column sums to the
available balance and, kind by kind, to the totals on screen.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

from django.db.models import QuerySet

from pathways.budgets.models import Entry
from pathways.core import tabular

COLUMNS = (
    "entry_id",
    "date",
    "household_ref",
    "local_authority",
    "kind",
    "category",
    "supplier",
    "description",
    "change_to_available",
    "request_id",
    "recorded_by",
    "recorded_at",
)


def ledger_rows(entries: QuerySet[Entry]) -> Iterator[list[Any]]:
    """The entries as rows of COLUMNS, the amount as whole pence (int), in ledger order."""
    selected = (
        entries.select_related("budget__household__local_authority", "recorded_by")
        .order_by("budget__household__reference", "date", "id")
        .iterator(chunk_size=2000)
    )
    for entry in selected:
        household = entry.budget.household
        yield [
            entry.pk,
            entry.date.isoformat(),
            household.reference,
            household.local_authority.code,
            entry.kind,
            entry.category,
            entry.supplier,
            entry.description,
            entry.amount_pence,
            entry.request_id or "",
            entry.recorded_by.username if entry.recorded_by else "system",
            entry.created_at.isoformat(timespec="seconds"),
        ]


def csv_lines(rows: Iterable[list[Any]]) -> Iterator[str]:
    return tabular.csv_lines(COLUMNS, rows, money=["change_to_available"])


def xlsx_bytes(rows: Iterable[list[Any]], totals: dict[str, int]) -> bytes:
    """The ledger sheet (amounts as exact decimal numbers in £) and a totals sheet."""
    return tabular.xlsx_bytes(
        [
            ("Ledger", COLUMNS, rows, ["change_to_available"]),
            ("Totals", ("figure", "pounds"), totals.items(), ["pounds"]),
        ]
    )
