"""Every spreadsheet Pathways writes runs nothing: names come from the public referral form, so
each CSV, XLSX and ODS download (the exchange bundle, budget ledgers, claims, every report
table, the trend, hotspots, need against reach, the evaluation extract) is walked with hostile
text in every field a user can fill, and no cell begins with a formula trigger (a plain
number excepted), no XLSX cell is a formula, no ODS cell has one. The escape is one
definition (core/tabular.py) and the importer undoes it exactly."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import zipfile
from pathlib import Path
from typing import Any
from xml.etree import ElementTree

import pytest
from django.urls import reverse
from hypothesis import given
from hypothesis import strategies as st
from openpyxl import load_workbook

from pathways.areas.models import LocalAuthority, Lsoa, Ward
from pathways.budgets import spend_requests
from pathways.casework import action_plans
from pathways.conftest import World
from pathways.core.tabular import escaped, unescaped
from pathways.households.models import Household, Person
from pathways.outcomes.tests.test_outcome_pages import dwp_claim, verified
from pathways.reporting.formats import FORMATS
from pathways.reporting.tables import TABLES

pytestmark = pytest.mark.django_db

KNOWSLEY = "E08000011"
TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
PLAIN_NUMBER = re.compile(r"[+-]?[0-9]+(\.[0-9]+)?")
HOSTILE = [
    "=1+2",
    '=HYPERLINK("http://evil.example/","Click")',
    "@SUM(A1:A9)",
    "+1+cmd|' /C calc'!A0",
    "-2+3",
    "\t=1+2",
    "\r=1+2",
]
ODS = "urn:oasis:names:tc:opendocument:xmlns:"
CELL, FORMULA = f"{{{ODS}table:1.0}}table-cell", f"{{{ODS}table:1.0}}formula"


def runs_nothing(cell: Any) -> bool:
    return not (isinstance(cell, str) and cell[:1] in TRIGGERS and not PLAIN_NUMBER.fullmatch(cell))


def test_text_that_would_run_is_escaped_and_a_plain_number_is_not() -> None:
    assert [escaped(value) for value in HOSTILE] == [f"'{value}" for value in HOSTILE]
    assert [escaped(v) for v in ("-12.50", "+3", "12", "-0.01")] == ["-12.50", "+3", "12", "-0.01"]
    assert escaped("'=already") == "''=already"  # so that reading it back is unambiguous
    assert escaped("'Ofa") == "'Ofa"
    assert escaped("''") == "'''"
    assert escaped(-1250) == -1250 and escaped(None) is None


@given(st.text(alphabet=st.sampled_from(["=", "+", "-", "@", "\t", "\r", "'", "1", ".", "a"])))
def test_reading_back_what_was_escaped_gives_the_text_exactly(text: str) -> None:
    assert unescaped(escaped(text)) == text
    assert runs_nothing(escaped(text))


def cells_of_csv(content: bytes) -> list[str]:
    return [cell for row in csv.reader(io.StringIO(content.decode("utf-8-sig"))) for cell in row]


def cells_of_xlsx(content: bytes) -> list[Any]:
    book = load_workbook(io.BytesIO(content))
    cells = [cell for sheet in book.worksheets for row in sheet.iter_rows() for cell in row]
    assert [c.coordinate for c in cells if c.data_type == "f"] == []  # no formula at all
    return [cell.value for cell in cells]


def cells_of_ods(content: bytes) -> list[str]:
    with zipfile.ZipFile(io.BytesIO(content)) as document:
        root = ElementTree.fromstring(document.read("content.xml"))  # noqa: S314 - our own
    cells = list(root.iter(CELL))
    assert [c for c in cells if FORMULA in c.attrib] == []
    return ["".join(cell.itertext()) for cell in cells]


def cells_of_zip(content: bytes) -> list[str]:
    with zipfile.ZipFile(io.BytesIO(content)) as bundle:
        return [cell for name in bundle.namelist() for cell in cells_of_csv(bundle.read(name))]


def cells(response: Any, kind: str, url: str) -> list[Any]:
    assert response.status_code == 200, url
    content = b"".join(response.streaming_content) if response.streaming else response.content
    reader = {"csv": cells_of_csv, "xlsx": cells_of_xlsx, "ods": cells_of_ods}
    return reader.get(kind, cells_of_zip)(content)


@pytest.fixture
def hostile(shipped_areas: None, world: World) -> World:
    """The world with hostile text in every field a user (or a loaded file) can fill."""
    Household.objects.filter(organisation=world.knowsley).update(lsoa="E01006412")
    people = Person.objects.filter(household__programme=world.hiw).order_by("pk")
    for index, person in enumerate(people):
        person.given_name = HOSTILE[index % len(HOSTILE)]
        person.family_name = HOSTILE[(index + 1) % len(HOSTILE)]
        person.save()
    Household.objects.update(address_line_1=HOSTILE[1])
    world.hiw.name = HOSTILE[1]
    world.hiw.save()
    Lsoa.objects.update(name=HOSTILE[0])
    Ward.objects.update(name=HOSTILE[2])
    LocalAuthority.objects.update(name=HOSTILE[3])
    person = world.household_k.members.get()
    action_plans.add_activity(
        actor=world.advocate_k,
        person=person,
        activity_type="course",
        title=HOSTILE[3],
        agreed_date=dt.date.today(),
    )
    for household in (world.household_k, world.household_l):
        spend_requests.request_spend(
            actor=household.advocate,
            household=household,
            category="travel",
            amount_pence=500,
            supplier=HOSTILE[1],
            description=HOSTILE[0],
        )
    verified(world, world.household_k, world.advocate_k, world.manager_k)
    return world


def every_export(world: World) -> list[tuple[str, str, str, dict, str]]:
    """(who, method, url, data, kind) for every spreadsheet download Pathways offers."""
    hiw = world.hiw.code
    claim = dwp_claim(world)
    household = world.household_k.pk
    manager = "programme_manager"
    exports = [
        (manager, "post", reverse("exchange:download"), {"programme": hiw, "names": "on"}, "zip"),
        (manager, "get", reverse("spending:ledger-csv"), {"programme": hiw}, "csv"),
        (manager, "get", reverse("spending:ledger-xlsx"), {"programme": hiw}, "xlsx"),
        ("advocate_k", "get", reverse("budgets:ledger-csv", args=[household]), {}, "csv"),
        ("advocate_k", "get", reverse("budgets:ledger-xlsx", args=[household]), {}, "xlsx"),
        (manager, "get", reverse("outcomes:claim-csv", args=[claim.pk]), {}, "csv"),
        (manager, "get", reverse("outcomes:claim-xlsx", args=[claim.pk]), {}, "xlsx"),
        (manager, "get", reverse("reporting:trend-csv"), {"programme": hiw}, "csv"),
        (
            manager,
            "get",
            reverse("areas:hotspots-csv"),
            {"area": KNOWSLEY, "indicator": "imd_rank"},
            "csv",
        ),
        (
            manager,
            "get",
            reverse("area_reports:reach-csv"),
            {"programme": hiw, "area": KNOWSLEY},
            "csv",
        ),
        (
            manager,
            "post",
            reverse("evaluation:extract"),
            {"programme": hiw, "project": "hiw-impact"},
            "zip",
        ),
    ]
    for name in TABLES:
        for kind in ("csv", "xlsx", "ods"):
            assert kind in FORMATS
            url = reverse("reporting:download", args=[name, kind])
            exports.append((manager, "get", url, {"programme": hiw}, kind))
    for kind in ("xlsx", "ods"):
        url = reverse("reporting:download", args=["pack", kind])
        exports.append((manager, "get", url, {"programme": hiw}, kind))
    return exports


def test_no_spreadsheet_pathways_writes_runs_a_formula(hostile: World, signed_in: Any) -> None:
    ran: list[str] = []
    escaped_seen: set[str] = set()
    for who, method, url, data, kind in every_export(hostile):
        client = signed_in(hostile.by_name(who))
        found = cells(getattr(client, method)(url, data), kind, url)
        ran += [f"{url} {kind}: {cell!r}" for cell in found if not runs_nothing(cell)]
        if any(isinstance(c, str) and c[:1] == "'" and c[1:2] in TRIGGERS for c in found):
            escaped_seen.add(url)
    assert ran == []
    # The hostile text did reach the files (written as text), so the walk tested something.
    for name, args in [
        ("exchange:download", []),
        ("spending:ledger-csv", []),
        ("spending:ledger-xlsx", []),
        ("areas:hotspots-csv", []),
        ("area_reports:reach-csv", []),
        ("reporting:download", ["by-area", "xlsx"]),
        ("reporting:download", ["pack", "ods"]),
    ]:
        assert reverse(name, args=args) in escaped_seen, sorted(escaped_seen)


def test_every_csv_pathways_writes_goes_through_the_one_escape() -> None:
    """A new export cannot forget it: csv.writer is called in core/tabular.py alone."""
    package = Path(__file__).resolve().parents[2]
    writers = [
        str(path.relative_to(package))
        for path in package.rglob("*.py")
        if "tests" not in path.parts and re.search(r"csv\.(writer|DictWriter)\(", path.read_text())
    ]
    assert writers == ["core/tabular.py"]
