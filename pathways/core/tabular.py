"""Tables out as CSV (streamed) and XLSX, with money exact to the penny.

Rows carry money as whole pence (int); the columns named in `money` are written as exact text
("123.45") in CSV and as exact decimal numbers in £ in XLSX. Text a spreadsheet would run as a
formula is written as text (CSV injection).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator, Sequence
from decimal import Decimal
from typing import Any

from pathways.core.money import amount_text

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe(value: Any) -> Any:
    if isinstance(value, str) and value[:1] in FORMULA_STARTS:
        return "'" + value
    return value


class _Line:
    """A file-like object that hands back what csv.writer writes."""

    def write(self, text: str) -> str:
        return text


def csv_lines(
    columns: Sequence[str], rows: Iterable[Sequence[Any]], money: Sequence[str] = ()
) -> Iterator[str]:
    writer = csv.writer(_Line())
    pence = [columns.index(name) for name in money]
    yield writer.writerow(columns)
    for row in rows:
        cells = [safe(cell) for cell in row]
        for index in pence:
            cells[index] = amount_text(row[index])
        yield writer.writerow(cells)


def xlsx_bytes(
    sheets: Iterable[tuple[str, Sequence[str], Iterable[Sequence[Any]], Sequence[str]]],
) -> bytes:
    """A workbook of (sheet name, columns, rows, money columns) sheets, written as it streams."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell

    workbook = Workbook(write_only=True)
    for name, columns, rows, money in sheets:
        sheet = workbook.create_sheet(name)
        sheet.append(list(columns))
        pence = [columns.index(column) for column in money]
        for row in rows:
            cells = [safe(cell) for cell in row]
            for index in pence:
                cell = WriteOnlyCell(sheet, value=Decimal(row[index]) / 100)
                cell.number_format = "#,##0.00"
                cells[index] = cell
            sheet.append(cells)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()
