"""The ledger for finance, as CSV or XLSX: one row an entry, amounts exact to the penny.

`change_to_available` is signed as the entry's effect on the money available (an allocation,
a release or a refund adds; a commitment or a spend takes away), so the column sums to the
available balance and, kind by kind, to the totals on screen.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator
from decimal import Decimal
from typing import Any

from django.db.models import QuerySet

from pathways.budgets.models import Entry
from pathways.core.money import amount_text

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


AMOUNT = COLUMNS.index("change_to_available")


class _Line:
    """A file-like object that hands back what csv.writer writes."""

    def write(self, text: str) -> str:
        return text


def _safe(value: Any) -> Any:
    """Text that a spreadsheet would run as a formula is written as text (CSV injection)."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


def csv_lines(rows: Iterable[list[Any]]) -> Iterator[str]:
    writer = csv.writer(_Line())
    yield writer.writerow(COLUMNS)
    for row in rows:
        cells = [_safe(cell) for cell in row]
        cells[AMOUNT] = amount_text(row[AMOUNT])
        yield writer.writerow(cells)


def xlsx_bytes(rows: Iterable[list[Any]], totals: dict[str, int]) -> bytes:
    """A workbook: the ledger sheet (amounts as exact decimal numbers in £) and a totals sheet."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("Ledger")
    sheet.append(list(COLUMNS))
    for row in rows:
        cells = [_safe(cell) for cell in row]
        money = WriteOnlyCell(sheet, value=Decimal(row[AMOUNT]) / 100)
        money.number_format = "#,##0.00"
        cells[AMOUNT] = money
        sheet.append(cells)
    summary = workbook.create_sheet("Totals")
    summary.append(["figure", "pounds"])
    for name, pence in totals.items():
        cell = WriteOnlyCell(summary, value=Decimal(pence) / 100)
        cell.number_format = "#,##0.00"
        summary.append([name, cell])
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()
