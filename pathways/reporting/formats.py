"""The report tables as the reader takes them away: text, JSON (reports.md), CSV, XLSX, ODS and
PDF, one table or the whole pack. Every format writes the same figures — `figures.figures()`,
exact or published — so a number never differs between the screen, a file and the API.
"""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.template.loader import render_to_string
from django.utils import timezone

from pathways.core.tabular import csv_writer, escaped
from pathways.outcomes.rules import Measures
from pathways.reporting import charts, disclosure, reach
from pathways.reporting.figures import Column, Table, figures
from pathways.reporting.scope import Scope
from pathways.reporting.tables import TABLES, build

FORMATS = ("text", "json", "csv", "xlsx", "ods", "pdf")
PACK_FORMATS = ("pdf", "xlsx", "ods")
MEDIA_TYPES = {
    "text": "text/plain; charset=utf-8",
    "json": "application/json",
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "ods": "application/vnd.oasis.opendocument.spreadsheet",
    "pdf": "application/pdf",
}
SUPPRESSED = disclosure.SUPPRESSED
NOT_FOR_PUBLICATION = disclosure.NOT_FOR_PUBLICATION
marking = disclosure.marking


@dataclass(frozen=True)
class Shown:
    """A table and its figures as the reader sees them."""

    table: Table
    figures: dict[str, Any]

    @property
    def published(self) -> bool:
        return bool(self.figures["published"])


def show(table: Table) -> Shown:
    return Shown(table, figures(table, table.scope.published))


def shown_tables(scope: Scope, names: list[str] | None = None) -> list[Shown]:
    return [show(build(name, scope)) for name in (names or list(TABLES))]


# --- cells --------------------------------------------------------------------------------------


def value(row: dict[str, Any], column: Column) -> Any:
    """A cell's value: a number, text, or None (suppressed or not applicable)."""
    found = row.get(column.key)
    if found is None:
        return None
    if column.kind == "money":
        return Decimal(found)
    return found


def withheld(row: dict[str, Any], column: Column) -> bool:
    """A published cell left empty by the disclosure rule (not one with nothing to show)."""
    return column.key in row.get("withheld", ()) or (
        bool(row.get("suppressed")) and column.kind not in ("target", "text")
    )


def cell(row: dict[str, Any], column: Column) -> Any:
    """A cell for a file: its value, `[c]` where withheld, None where there is nothing."""
    found = value(row, column)
    if found is None and withheld(row, column):
        return SUPPRESSED
    return found


def text(row: dict[str, Any], column: Column) -> str:
    found = cell(row, column)
    if found is None:
        return ""
    if found == SUPPRESSED:
        return SUPPRESSED
    if column.kind == "money":
        return f"£{found:,.2f}"
    if column.kind in ("percent", "average"):
        return f"{found:.1f}"
    if isinstance(found, int):
        return f"{found:,}"
    return str(found)


def period(scope: Scope) -> str:
    return f"{scope.date_from:%-d %B %Y} to {scope.date_to:%-d %B %Y}"


def heading(scope: Scope) -> str:
    where = scope.area.name if scope.area is not None else "all local authorities"
    if scope.neighbourhood is not None:
        where += f", {scope.neighbourhood.name}"
    return f"{scope.programme.name}: {where}, as at {scope.date_to:%-d %B %Y}"


def as_at(scope: Scope) -> str:
    """Why a published report is as at an earlier date than the one asked for."""
    if scope.asked_to is None:
        return ""
    every = scope.rule.publish_every_months
    period = "a month" if every == 1 else f"a period of {every} months"
    return (
        f" Published figures are as at the end of {period}: {scope.date_to:%-d %B %Y}, the last "
        f"before the {scope.asked_to:%-d %B %Y} asked for."
    )


def status_line(shown: Shown) -> str:
    if shown.published:
        scope = shown.table.scope
        rule = scope.rule
        return (
            f"Published figures: counts of 1 to {rule.smallest - 1} are withheld ({SUPPRESSED}), "
            f"others rounded to the nearest {rule.round_to}; percentages from the rounded "
            f"figures; averages and money of fewer than {rule.fewest_for_average} people or "
            f"households withheld, other money to the nearest £{rule.money_round_to:,}."
            + as_at(scope)
        )
    return f"{NOT_FOR_PUBLICATION}: exact figures."


# --- one table ----------------------------------------------------------------------------------


def as_json(shown: Shown) -> dict[str, Any]:
    scope = shown.table.scope
    return {
        "report": shown.table.name,
        "programme": scope.programme.code,
        "from": scope.date_from.isoformat(),
        "to": scope.date_to.isoformat(),
        "area": scope.area.code if scope.area is not None else None,
        "title": shown.table.title,
        "rows": shown.figures["rows"],
        "base": shown.figures["base"],
        "base_label": shown.table.base_label,
        "published": shown.published,
        "marking": marking(shown.published),
        "asked_to": None if scope.asked_to is None else scope.asked_to.isoformat(),
    }


def as_text(shown: Shown) -> str:
    table = shown.table
    columns = table.columns
    header = ["", *[c.heading for c in columns]]
    body = [[row["label"], *[text(row, c) for c in columns]] for row in shown.figures["rows"]]
    widths = [max(len(str(line[i])) for line in [header, *body]) for i in range(len(header))]
    lines = [
        marking(shown.published),
        table.title,
        heading(table.scope),
        status_line(shown),
        "",
        "  ".join(
            h.ljust(widths[0]) if i == 0 else h.rjust(widths[i]) for i, h in enumerate(header)
        ),
    ]
    for line in body:
        lines.append(
            "  ".join(
                cell.ljust(widths[0]) if i == 0 else cell.rjust(widths[i])
                for i, cell in enumerate(line)
            )
        )
    base = shown.figures["base"]
    lines += ["", f"Base: {SUPPRESSED if base is None else f'{base:,}'} {table.base_label}"]
    lines += table.notes
    return "\n".join(lines) + "\n"


def as_csv(shown: Shown) -> bytes:
    """Machine-readable after its first row, the marking: a header row, one row per table row,
    then the base; `[c]` where a figure is withheld."""
    out = io.StringIO()
    writer = csv_writer(out)
    columns = shown.table.columns
    writer.writerow([marking(shown.published)])
    writer.writerow(["key", "label", *[c.key for c in columns]])
    for row in shown.figures["rows"]:
        writer.writerow(
            [row["key"], row["label"], *["" if (v := cell(row, c)) is None else v for c in columns]]
        )
    base = shown.figures["base"]
    writer.writerow(["base", shown.table.base_label, SUPPRESSED if base is None else base])
    return out.getvalue().encode("utf-8")


# --- spreadsheets: a sheet per table ------------------------------------------------------------


def _sheet_rows(shown: Shown) -> list[list[Any]]:
    """The cells of a table's sheet: the marking, title, where and when, status, a blank line,
    the header, the rows, the base and the notes (text escaped: pathways/core/tabular.py)."""
    table = shown.table
    rows: list[list[Any]] = [
        [marking(shown.published)],
        [table.title],
        [heading(table.scope)],
        [status_line(shown)],
        [],
        ["Key", "Measure", *[c.heading for c in table.columns]],
    ]
    for row in shown.figures["rows"]:
        rows.append([row["key"], row["label"], *[cell(row, c) for c in table.columns]])
    base = shown.figures["base"]
    rows.append(["base", f"Base: {table.base_label}", SUPPRESSED if base is None else base])
    rows += [[], *[["", note] for note in table.notes]]
    return [[escaped(value) for value in row] for row in rows]  # no text runs as a formula


HEADER_ROW = 6  # the 1-based row of a sheet's column headings


def as_xlsx(shown_list: list[Shown]) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    book.remove(book.active)
    for shown in shown_list:
        sheet = book.create_sheet(shown.table.name[:31])
        for line in _sheet_rows(shown):
            sheet.append([float(v) if isinstance(v, Decimal) else v for v in line])
        sheet["A1"].font = Font(bold=True)
        sheet["A2"].font = Font(bold=True, size=14)
        for cell in sheet[HEADER_ROW]:
            cell.font = Font(bold=True)
        sheet.column_dimensions["A"].width = 24
        sheet.column_dimensions["B"].width = 52
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def as_ods(shown_list: list[Shown]) -> bytes:
    from odf.opendocument import OpenDocumentSpreadsheet
    from odf.table import Table as OdsTable
    from odf.table import TableCell, TableRow
    from odf.text import P

    document = OpenDocumentSpreadsheet()
    for shown in shown_list:
        sheet = OdsTable(name=shown.table.name)
        for line in _sheet_rows(shown):
            row = TableRow()
            for cell_value in line:
                if isinstance(cell_value, bool) or cell_value is None:
                    cell = TableCell()
                elif isinstance(cell_value, int | float | Decimal):
                    cell = TableCell(valuetype="float", value=str(cell_value))
                    cell.addElement(P(text=str(cell_value)))
                else:
                    cell = TableCell(valuetype="string")
                    cell.addElement(P(text=str(cell_value)))
                row.addElement(cell)
            sheet.addElement(row)
        document.spreadsheet.addElement(sheet)
    out = io.BytesIO()
    document.write(out)
    return out.getvalue()


# --- the PDF ------------------------------------------------------------------------------------


def definitions(scope: Scope) -> list[tuple[str, str]]:
    """programmes.md's measures, with this programme's thresholds."""
    m = Measures.of(scope.programme.measures or {})
    course_hours = (scope.programme.measures or {}).get("course_min_hours", 5)
    return [
        (
            "Participant",
            "A household member who is not a child and takes part, in a household started on "
            "or before the report date. Only participants count in any measure.",
        ),
        ("Started", "A household with a start date on or before the report date."),
        (
            "Completed an agreed activity",
            "A started household where any participant completed an activity.",
        ),
        (
            "Significant improvement",
            f"A participant whose latest star reading, at least {m.improvement_min_days} days "
            f"after their first, is higher by {m.improvement_total_gain} or more points in "
            f"total, or by {m.improvement_point_gain} or more on any one point; a household "
            "counts once.",
        ),
        (
            "Progress measure",
            "One per participant per star point whose latest reading is above their first.",
        ),
        (
            "Job outcome",
            f"A participant in paid work of {m.job_min_hours:g} or more hours a week for "
            f"{m.job_min_days} days after starting; spells joined across gaps of "
            f"{m.job_max_gap_days} days or less; once per participant.",
        ),
        ("Moved into employment (rate)", "Households with a job outcome ÷ households started."),
        (
            "Positive outcome",
            "A household with a completed activity, a significant improvement or a job outcome "
            "(counted once).",
        ),
        (
            "Work-related activity, course",
            f"Completed activities of that type; courses only of {course_hours} hours or more.",
        ),
        (
            "Dates",
            "Every measure uses the programme's own dates (referral, start, completion, spell, "
            "reading) and counts everything from the programme's start to the report date.",
        ),
    ]


def as_pdf(shown_list: list[Shown], *, pack: bool) -> bytes:
    from weasyprint import HTML

    scope = shown_list[0].table.scope
    sections = [
        {
            "shown": shown,
            "columns": shown.table.columns,
            "rows": [
                {"label": row["label"], "cells": [text(row, c) for c in shown.table.columns]}
                for row in shown.figures["rows"]
            ],
            "base": shown.figures["base"],
            "chart": charts.table_figure(shown.table, shown.figures),
            "status": status_line(shown),
        }
        for shown in shown_list
    ]
    html = render_to_string(
        "reporting/pack.html",
        {
            "title": "Report pack" if pack else shown_list[0].table.title,
            "heading": heading(scope),
            "period": period(scope),
            "programme": scope.programme,
            "sections": sections,
            "definitions": definitions(scope),
            "made": timezone.localtime(),
            "published": scope.published,
            "marking": marking(scope.published),
            "suppressed": SUPPRESSED,
            "neighbourhoods": reach.pack_section(scope) if pack else None,
        },
    )
    return HTML(string=html).write_pdf()


# --- one entry point ----------------------------------------------------------------------------


def render(scope: Scope, name: str, form: str) -> bytes:
    """A table (`name`) or the pack (`"pack"`) in a format, as bytes."""
    if name == "pack":
        shown_list = shown_tables(scope)
        if form == "pdf":
            return as_pdf(shown_list, pack=True)
        if form == "xlsx":
            return as_xlsx(shown_list)
        if form == "ods":
            return as_ods(shown_list)
        if form == "json":
            return _json_bytes([as_json(s) for s in shown_list])
        raise ValueError(f"The pack is written as {', '.join(PACK_FORMATS)} or json, not {form}")
    shown = show(build(name, scope))
    if form == "json":
        return _json_bytes(as_json(shown))
    if form == "text":
        return as_text(shown).encode("utf-8")
    if form == "csv":
        return as_csv(shown)
    if form == "xlsx":
        return as_xlsx([shown])
    if form == "ods":
        return as_ods([shown])
    if form == "pdf":
        return as_pdf([shown], pack=False)
    raise ValueError(f"Unknown format {form!r}: use one of {', '.join(FORMATS)}")


def _json_bytes(data: Any) -> bytes:
    import json

    return (json.dumps(data, indent=2, default=_json_default) + "\n").encode("utf-8")


def _json_default(found: Any) -> Any:
    if isinstance(found, dt.date):
        return found.isoformat()
    if isinstance(found, Decimal):
        return str(found)
    raise TypeError(f"cannot write {type(found).__name__} as JSON")


def file_name(scope: Scope, name: str, form: str) -> str:
    area = f"-{scope.area.code}" if scope.area is not None else ""
    published = "-published" if scope.published else ""
    extension = "txt" if form == "text" else form
    return f"{scope.programme.code}-{name}{area}-{scope.date_to.isoformat()}{published}.{extension}"
