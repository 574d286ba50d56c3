"""Reading the exchange format's CSV files: UTF-8 with a header row, columns in any order,
unknown columns refused unless prefixed `x_`, empty cell = unknown.

A cell that starts with `'` and then `=`, `+`, `-`, `@`, a tab, a carriage return or another
`'` loses that first `'`: it is the escape Pathways' exports put on text a spreadsheet would run
as a formula (pathways/core/tabular.py), so exporting and importing give back the same text.

A file that is not what it should be (not UTF-8, no header, a missing column, a NUL byte, a
field larger than any real value, a line, a file or a number of lines over the import's limits:
exchange/limits.py) is answered with a Problem naming the file and line, never a traceback.
"""

from __future__ import annotations

import contextlib
import csv
import io
import re
import zipfile
import zlib
from collections.abc import Iterator
from typing import IO

from pathways.core.limits import Limits, limits, size_text
from pathways.core.problems import Problem
from pathways.core.tabular import unescaped

# Longer than any real cell (a description); a bigger field is a broken file.
MAX_FIELD = 10_000
NOT_UTF8 = "is not UTF-8 text: save it as 'CSV UTF-8' and try again"
# What the decoder leaves of a byte that is not UTF-8 (errors="surrogateescape"), so that the
# line it is on can be named.
_BAD_BYTE = re.compile("[\udc80-\udcff]")
# A .zip member that cannot be unpacked (its data is damaged, or is not what its header says).
_DAMAGED = (zipfile.BadZipFile, zlib.error, EOFError)


class _Lines:
    """Decodes a byte stream as UTF-8 a line at a time, reading at most a line's limit for each
    (time and memory grow with the file, never with the square of a line), counting lines
    (blank ones too) and characters against the import's limits."""

    def __init__(self, stream: IO[bytes], limits: Limits) -> None:
        # newline="": a line ends at \n, \r\n or \r and keeps its ending, as csv expects.
        self.text = io.TextIOWrapper(
            stream, encoding="utf-8-sig", errors="surrogateescape", newline=""
        )
        self.limits = limits
        self.line = 0
        self.chars = 0

    def __iter__(self) -> Iterator[str]:
        longest, most_lines, most_chars = (
            self.limits.line_chars,
            self.limits.lines,
            self.limits.file_bytes,
        )
        readline = self.text.readline
        while True:
            try:
                text = readline(longest + 2)  # the line and its ending, \r\n
            except _DAMAGED as error:
                raise ValueError(f"cannot be unpacked from the .zip file ({error})") from None
            if not text:
                return
            self.line += 1
            if self.line > most_lines:
                raise ValueError(
                    f"has more than {most_lines:,} lines (blank ones count): the most an "
                    "import reads"
                )
            if len(text) > longest and len(text.rstrip("\r\n")) > longest:
                raise ValueError(
                    f"is longer than {longest:,} characters, far longer than a row of a "
                    "bundle: is it a CSV file?"
                )
            self.chars += len(text)
            if self.chars > most_chars:
                raise ValueError(
                    f"the file is longer than {size_text(most_chars)}: the most an import reads"
                )
            if "\x00" in text:
                raise ValueError("contains a NUL byte: is it a CSV file?")
            if _BAD_BYTE.search(text):
                raise ValueError(NOT_UTF8)
            yield text

    def close(self) -> None:
        """Let go of the stream without closing it (whoever opened it closes it, and may have)."""
        with contextlib.suppress(ValueError):
            self.text.detach()


def read_rows(
    stream: IO[bytes], *, name: str, required: set[str], optional: set[str]
) -> Iterator[tuple[int, dict[str, str]] | Problem]:
    """Each data row as (line, {column: stripped text}), or a Problem that ends the file.

    Yields Problems for the header as a whole; a Problem about the body stops the reading.
    """
    lines = _Lines(stream, limits())
    try:
        yield from _rows(lines, name=name, required=required, optional=optional)
    finally:
        lines.close()


def _rows(
    lines: _Lines, *, name: str, required: set[str], optional: set[str]
) -> Iterator[tuple[int, dict[str, str]] | Problem]:
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
        values = [unescaped(cell.strip()) for cell in cells]
        too_long = next(
            (c for c, v in zip(columns, values, strict=True) if len(v) > MAX_FIELD), None
        )
        if too_long:
            yield Problem(name, line, too_long, "", f"is longer than {MAX_FIELD:,} characters")
            continue
        yield line, dict(zip(columns, values, strict=True))


def _why(error: Exception) -> str:
    if isinstance(error, UnicodeDecodeError):
        return NOT_UTF8
    if isinstance(error, csv.Error):
        text = str(error)
        if "field larger than field limit" in text:
            return f"has a cell longer than {MAX_FIELD:,} characters"
        return f"is not a well-formed CSV file ({text})"
    return str(error)
