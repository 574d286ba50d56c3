"""Tables out as CSV (streamed) and XLSX, with money exact to the penny; and the one escape
every CSV, XLSX and ODS file Pathways writes puts on text a spreadsheet would run as a formula.

Rows carry money as whole pence (int); the columns named in `money` are written as exact text
("123.45") in CSV and as exact decimal numbers in £ in XLSX.

The escape (CSV injection; OWASP's advice): a text cell that starts with `=`, `+`, `-`, `@`, a
tab or a carriage return is written with a `'` before it, so a spreadsheet shows it as text and
never runs it (`=HYPERLINK(…)` stays words). A plain number (`-12.50`, `+3`) is left as it is:
it is a number, and runs nothing. So that reading a file back can undo the escape exactly, a
text that itself starts with `'` and then one of those characters (or another `'`) gets a `'`
too: `unescaped` takes one `'` off a cell that starts with `'` and one of them, and nothing else.
Every other text is written as it is.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Iterator, Sequence
from decimal import Decimal
from typing import IO, Any

from pathways.core.money import amount_text

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
ESCAPE = "'"
_AFTER_ESCAPE = (*FORMULA_STARTS, ESCAPE)
_PLAIN_NUMBER = re.compile(r"[+-]?[0-9]+(\.[0-9]+)?")


def escaped(value: Any) -> Any:
    """The value as a spreadsheet cell that runs nothing (anything but text is left alone)."""
    if not isinstance(value, str) or not value:
        return value
    if value[0] in FORMULA_STARTS:
        return value if _PLAIN_NUMBER.fullmatch(value) else ESCAPE + value
    if value[0] == ESCAPE and value[1:2] in _AFTER_ESCAPE:
        return ESCAPE + value
    return value


def unescaped(text: str) -> str:
    """The text a cell written by `escaped` held: escaped(x) read back is x, for every x."""
    if text[:1] == ESCAPE and len(text) > 1 and text[1] in _AFTER_ESCAPE:
        return text[1:]
    return text


class _EscapingWriter:
    """csv.writer's writerow and writerows, every cell escaped."""

    def __init__(self, handle: Any, **options: Any) -> None:
        self._writer = csv.writer(handle, **options)

    def writerow(self, row: Iterable[Any]) -> Any:
        return self._writer.writerow([escaped(cell) for cell in row])

    def writerows(self, rows: Iterable[Iterable[Any]]) -> None:
        for row in rows:
            self.writerow(row)


def csv_writer(handle: IO[str] | Any, **options: Any) -> _EscapingWriter:
    """A csv.writer (the same options) that escapes every cell: use it for every CSV written."""
    return _EscapingWriter(handle, **options)


class _Line:
    """A file-like object that hands back what csv.writer writes."""

    def write(self, text: str) -> str:
        return text


def csv_lines(
    columns: Sequence[str], rows: Iterable[Sequence[Any]], money: Sequence[str] = ()
) -> Iterator[str]:
    writer = csv_writer(_Line())
    pence = [columns.index(name) for name in money]
    yield writer.writerow(columns)
    for row in rows:
        cells = list(row)
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
        sheet.append([escaped(column) for column in columns])
        pence = [columns.index(column) for column in money]
        for row in rows:
            cells = [escaped(cell) for cell in row]
            for index in pence:
                cell = WriteOnlyCell(sheet, value=Decimal(row[index]) / 100)
                cell.number_format = "#,##0.00"
                cells[index] = cell
            sheet.append(cells)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()
