"""Reading area data files: the codes they hold, a CSV file's rows and cells checked, and
the refusal that names every bad line (nothing is loaded), or what a load changed."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import IO, Any

from pathways.core.csvfiles import MAX_FIELD, _why
from pathways.core.problems import Problem

LSOA_CODE = re.compile(r"^[EW]01\d{6}$")
WARD_CODE = re.compile(r"^[EW]05\d{6}$")
LA_CODE = re.compile(r"^[EW]0[6-9]\d{6}$")
MAX_PROBLEMS = 50


class AreaDataRefused(Exception):
    """Every problem found; nothing was loaded."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        super().__init__(f"{len(problems)} problem(s); nothing was loaded")


@dataclass
class Loaded:
    """What a load changed, by kind of record: {"LSOAs": (created, updated, unchanged)}."""

    what: str
    counts: dict[str, list[int]] = field(default_factory=dict)

    def count(self, kind: str, *, created: int = 0, updated: int = 0, unchanged: int = 0) -> None:
        held = self.counts.setdefault(kind, [0, 0, 0])
        held[0] += created
        held[1] += updated
        held[2] += unchanged

    @property
    def changed(self) -> bool:
        return any(created or updated for created, updated, _ in self.counts.values())

    def lines(self) -> list[str]:
        return [
            f"{kind}: {created:,} new, {updated:,} changed, {unchanged:,} unchanged"
            for kind, (created, updated, unchanged) in self.counts.items()
        ]


# --- reading ------------------------------------------------------------------------------------


def csv_rows(stream: IO[bytes], name: str) -> Iterator[tuple[int, dict[str, str]] | Problem]:
    """A CSV file's rows as (line, {lower-case column: text}); other columns are kept (the
    official files have many we do not read). A file that is not CSV is one Problem."""
    text = io.TextIOWrapper(stream, encoding="utf-8-sig", errors="strict", newline="")
    reader = csv.reader(text, strict=True)
    try:
        header = next(reader, None)
        if not header or not any(cell.strip() for cell in header):
            yield Problem(name, 1, "", "", "the file is empty: it needs a header row")
            return
        columns = [" ".join(cell.split()).lower() for cell in header]
        for cells in reader:
            if not any(cell.strip() for cell in cells):
                continue
            if len(cells) != len(columns):
                yield Problem(
                    name,
                    reader.line_num,
                    "",
                    "",
                    f"has {len(cells)} cells but the header has {len(columns)} columns",
                )
                continue
            if any(len(cell) > MAX_FIELD for cell in cells):
                yield Problem(name, reader.line_num, "", "", "has a cell that is far too long")
                continue
            if any("\x00" in cell for cell in cells):
                yield Problem(name, reader.line_num, "", "", "has a NUL character in a cell")
                continue
            yield reader.line_num, dict(zip(columns, (c.strip() for c in cells), strict=True))
    except (UnicodeDecodeError, ValueError, csv.Error) as error:
        yield Problem(name, max(reader.line_num, 1), "", "", _why(error))


def first_column(columns: Iterable[str], *candidates: str) -> str | None:
    """The first of `candidates` (lower case) among a file's columns."""
    present = set(columns)
    return next((c for c in candidates if c in present), None)


def whole_number(text: str, low: int, high: int) -> int:
    try:
        value = int(text)
    except ValueError:
        raise ValueError("is not a whole number") from None
    if not low <= value <= high:
        raise ValueError(f"is not between {low:,} and {high:,}")
    return value


def decimal_number(text: str) -> Decimal:
    try:
        value = Decimal(text)
    except InvalidOperation:
        raise ValueError("is not a number") from None
    if not value.is_finite() or abs(value) >= 10**10:
        raise ValueError("is not a number we can hold")
    return value.quantize(Decimal("0.0001"))


def checked_code(text: str, pattern: re.Pattern[str], what: str) -> str:
    code = text.strip().upper()
    if not pattern.match(code):
        raise ValueError(f"is not {what}")
    return code


def lsoa_code(text: str) -> str:
    return checked_code(text, LSOA_CODE, "an LSOA code, like E01006412")


def in_chunks(keys: Iterable[Any], size: int = 2000) -> Iterator[list[Any]]:
    """Keys a few thousand at a time, for `__in` lookups (SQLite allows 32,766 parameters)."""
    batch: list[Any] = []
    for key in keys:
        batch.append(key)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch


def refuse_if(problems: list[Problem]) -> None:
    if problems:
        raise AreaDataRefused(problems[:MAX_PROBLEMS])
