"""Each report in each format, read back as a user's software would read it: the JSON values, the
CSV rows, the cells of the XLSX (openpyxl) and ODS (odfpy) sheets, and the text of the PDF
(pypdf). Every format carries the same figures."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from openpyxl import load_workbook

from pathways.reporting.formats import HEADER_ROW
from pathways.reporting.tables import TABLES
from pathways.reporting.tests.conftest import REPORT_DATE, Tiny

HIW = "households-into-work"


def write(tmp_path: Path, name: str, form: str, *args: str) -> Path:
    out = tmp_path / f"{name}.{form}"
    call_command(
        "report",
        name,
        "--programme",
        HIW,
        "--to",
        str(REPORT_DATE),
        "--format",
        form,
        "--output",
        str(out),
        *args,
    )
    return out


def json_counts(tmp_path: Path, name: str, *args: str) -> dict[str, Any]:
    found = json.loads(write(tmp_path, name, "json", *args).read_text())
    return {row["key"]: row["count"] for row in found["rows"]}


def ods_sheets(path: Path) -> dict[str, list[list[str]]]:
    """Every sheet of an ODS file as rows of cell texts."""
    from odf import teletype
    from odf.opendocument import load
    from odf.table import Table, TableCell, TableRow

    document = load(str(path))
    sheets = {}
    for table in document.spreadsheet.getElementsByType(Table):
        sheets[table.getAttribute("name")] = [
            [teletype.extractText(cell) for cell in row.getElementsByType(TableCell)]
            for row in table.getElementsByType(TableRow)
        ]
    return sheets


def sheet_rows(rows: list[list[Any]]) -> dict[str, list[Any]]:
    """{key: cells after the label} from a sheet's rows below its header."""
    header = rows[HEADER_ROW - 1]
    assert header[:2] == ["Key", "Measure"]
    return {row[0]: row[2:] for row in rows[HEADER_ROW:] if row and row[0]}


@pytest.mark.django_db
def test_csv_has_a_row_per_table_row_and_the_base(tiny: Tiny, tmp_path: Path) -> None:
    lines = list(csv.reader(io.StringIO(write(tmp_path, "age-profile", "csv").read_text())))
    assert lines[0] == ["OFFICIAL-SENSITIVE — not for publication"]  # exact figures, marked
    assert lines[1] == ["key", "label", "count", "percent"]
    by_key = {line[0]: line[2:] for line in lines[2:]}
    assert by_key["26-35"] == ["2", "50.0"]
    assert by_key["66+"] == ["0", "0.0"]
    assert by_key["base"] == ["4"]


@pytest.mark.django_db
def test_xlsx_cells_hold_numbers_under_their_headings(tiny: Tiny, tmp_path: Path) -> None:
    book = load_workbook(write(tmp_path, "performance", "xlsx"))
    assert book.sheetnames == ["performance"]
    rows = [list(r) for r in book["performance"].iter_rows(values_only=True)]
    assert rows[0][0] == "OFFICIAL-SENSITIVE — not for publication"
    assert rows[1][0] == "Targets and current position"
    assert rows[2][0] == "Households into Work: all local authorities, as at 31 December 2018"
    assert rows[HEADER_ROW - 1][:5] == [
        "Key",
        "Measure",
        "Number",
        "% of households started",
        "Target",
    ]
    cells = sheet_rows(rows)
    assert cells["started"][:3] == [4, None, 800]
    assert cells["positive_outcomes"][:3] == [2, 50, 600]
    assert cells["base"][0] == 4


@pytest.mark.django_db
def test_ods_cells_hold_the_same_figures(tiny: Tiny, tmp_path: Path) -> None:
    sheets = ods_sheets(write(tmp_path, "support-needs", "ods"))
    assert list(sheets) == ["support-needs"]
    cells = sheet_rows(sheets["support-needs"])
    assert cells["mental_health"][:2] == ["1", "25.0"]
    assert cells["refugee"][:2] == ["0", "0.0"]
    assert cells["base"][0] == "4"


@pytest.mark.django_db
def test_published_files_mark_withheld_figures(tiny: Tiny, tmp_path: Path) -> None:
    cells = sheet_rows(
        [
            list(r)
            for r in load_workbook(write(tmp_path, "age-profile", "xlsx", "--publish"))[
                "age-profile"
            ].iter_rows(values_only=True)
        ]
    )
    assert cells["26-35"][:2] == ["[c]", "[c]"]
    assert cells["66+"][:2] == [0, None]  # a zero is shown; its percentage has no base
    assert cells["base"][0] == "[c]"
    lines = list(
        csv.reader(io.StringIO(write(tmp_path, "age-profile", "csv", "--publish").read_text()))
    )
    assert lines[0] == ["OFFICIAL — published figures, under disclosure control"]
    assert {line[0]: line[2] for line in lines[2:]}["16-25"] == "[c]"


@pytest.mark.django_db
def test_the_pack_has_a_sheet_per_table_with_the_figures_of_each(
    tiny: Tiny, tmp_path: Path
) -> None:
    book = load_workbook(write(tmp_path, "pack", "xlsx"))
    assert book.sheetnames == list(TABLES)
    ods = ods_sheets(write(tmp_path, "pack", "ods"))
    assert list(ods) == list(TABLES)
    for name in TABLES:
        expected = json_counts(tmp_path, name)
        xlsx_cells = sheet_rows([list(r) for r in book[name].iter_rows(values_only=True)])
        ods_cells = sheet_rows(ods[name])
        assert {k: v[0] for k, v in xlsx_cells.items() if k != "base"} == expected, name
        assert {k: int(v[0]) for k, v in ods_cells.items() if k != "base"} == expected, name


@pytest.mark.django_db
def test_the_pdf_pack_is_a_board_paper(tiny: Tiny, tmp_path: Path) -> None:
    from pypdf import PdfReader

    reader = PdfReader(write(tmp_path, "pack", "pdf"))
    text = "\n".join(page.extract_text() for page in reader.pages)
    assert "Report pack" in text
    assert "Households into Work: all local authorities, as at 31 December 2018" in text
    assert "Period: 1 February 2018 to 31 December 2018" in text
    for title in (
        "Targets and current position",
        "Age profile of participants at start",
        "Time since last work",
        "Age of the long-term workless",
        "Support needs reported by participants",
        "Progress measures",
        "Distance travelled on the star",
        "Referral routes",
        "Performance by local authority",
        "Household Support Budget",
        "Definitions of the measures",
    ):
        assert title in text, title
    assert "Households started 4 800" in text  # the table row: number and target
    assert "Base: 4 households started." in text
    assert "at least 28 days after their first" in text  # a definition, with the programme's days
    # Every table comes with its chart, whose description gives the numbers.
    # The marking on every page, and in the text before the title.
    assert text.count("OFFICIAL-SENSITIVE — not for publication") >= 14
    assert text.startswith("OFFICIAL-SENSITIVE — not for publication\nReport pack")
    # No area data loaded here: no neighbourhood page.
    assert "need against reach" not in text


@pytest.mark.django_db
def test_a_table_as_text_prints_to_the_terminal(tiny: Tiny) -> None:
    out = io.StringIO()
    call_command("report", "age-profile", "--programme", HIW, "--to", str(REPORT_DATE), stdout=out)
    text = out.getvalue()
    assert text.startswith(
        "OFFICIAL-SENSITIVE — not for publication\nAge profile of participants at start\n"
    )
    line = next(line for line in text.splitlines() if line.startswith("26 to 35"))
    assert line.split()[-2:] == ["2", "50.0"]
