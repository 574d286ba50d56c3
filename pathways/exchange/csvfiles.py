"""Reading the exchange format's CSV files: UTF-8 with a header row, columns in any order,
unknown columns refused unless prefixed `x_`, empty cell = unknown.

A file that is not what it should be (not UTF-8, no header, a missing column, a NUL byte, a
field larger than any real value) is answered with a Problem, never a traceback.
"""

from __future__ import annotations

import codecs
import csv
from collections.abc import Iterator
from typing import IO

from pathways.exchange.problems import Problem

# Longer than any real cell (a description); a bigger field is a broken file.
MAX_FIELD = 10_000


class _Lines:
    """Decodes a byte stream as UTF-8 line by line, noting the first bad byte's line."""

    def __init__(self, stream: IO[bytes]) -> None:
        self.reader = codecs.getreader("utf-8-sig")(stream, errors="strict")
        self.line = 0

    def __iter__(self) -> Iterator[str]:
        for text in self.reader:
            self.line += 1
            if "\x00" in text:
                raise ValueError("contains a NUL byte: is it a CSV file?")
            yield text


def read_rows(
    stream: IO[bytes], *, name: str, required: set[str], optional: set[str]
) -> Iterator[tuple[int, dict[str, str]] | Problem]:
    """Each data row as (line, {column: stripped text}), or a Problem that ends the file.

    Yields Problems for the header as a whole; a Problem about the body stops the reading.
    """
    lines = _Lines(stream)
    reader = csv.reader(lines, strict=True)
    try:
        header = next(reader, None)
    except (UnicodeDecodeError, ValueError, csv.Error) as error:
        yield Problem(name, 1, "", "", _why(error))
        return
    if not header or not any(cell.strip() for cell in header):
        yield Problem(name, 1, "", "", "the file is empty: it needs a header row")
        return
    columns = [cell.strip().lower() for cell in header]
    header_problems = [
        Problem(name, 1, column, "", f"the {column} column is missing")
        for column in sorted(required - set(columns))
    ]
    known = required | optional
    header_problems += [
        Problem(name, 1, column, "", "is not a column of this file (extra columns start with x_)")
        for column in columns
        if column and column not in known and not column.startswith("x_")
    ]
    seen: set[str] = set()
    for column in columns:
        if column in seen:
            header_problems.append(Problem(name, 1, column, "", "the column appears twice"))
        seen.add(column)
    if header_problems:
        yield from header_problems
        return
    while True:
        try:
            cells = next(reader)
        except StopIteration:
            return
        except (UnicodeDecodeError, ValueError, csv.Error) as error:
            yield Problem(name, max(lines.line, 1), "", "", _why(error))
            return
        line = reader.line_num
        if not any(cell.strip() for cell in cells):
            continue  # a blank line
        if len(cells) != len(columns):
            yield Problem(
                name,
                line,
                "",
                "",
                f"has {len(cells)} cells but the header has {len(columns)} columns",
            )
            continue
        too_long = next(
            (c for c, v in zip(columns, cells, strict=True) if len(v) > MAX_FIELD), None
        )
        if too_long:
            yield Problem(name, line, too_long, "", f"is longer than {MAX_FIELD:,} characters")
            continue
        yield line, {column: cell.strip() for column, cell in zip(columns, cells, strict=True)}


def _why(error: Exception) -> str:
    if isinstance(error, UnicodeDecodeError):
        return "is not UTF-8 text: save it as 'CSV UTF-8' and try again"
    if isinstance(error, csv.Error):
        text = str(error)
        if "field larger than field limit" in text:
            return f"has a cell longer than {MAX_FIELD:,} characters"
        return f"is not a well-formed CSV file ({text})"
    return str(error)
