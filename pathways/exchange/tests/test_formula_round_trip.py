"""A bundle's names and addresses that a spreadsheet would run as formulas are written as text
(the one escape of core/tabular.py), and importing the bundle takes the escape off again: the
names come back exactly, a name that really starts with `'=` included."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from pathways.conftest import load_programmes
from pathways.core.problems import ImportRefused
from pathways.exchange.export import export_bundle
from pathways.exchange.generate import Settings, generate
from pathways.exchange.importer import import_bundle
from pathways.households.models import Household, Person
from pathways.programmes.models import Programme

pytestmark = pytest.mark.django_db

NAMES = [
    "=1+2",
    '=HYPERLINK("http://evil.example/","Click")',
    "@SUM(A1:A9)",
    "+44 7700 900123",
    "-2+3",
    "-12",
    "'=already quoted",
    "''",
    "'Ofa",
    "O'Neill",
]
TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def test_names_that_look_like_formulas_are_written_as_text_and_come_back_exactly(
    tmp_path: Path,
) -> None:
    load_programmes()
    generate(tmp_path / "generated", Settings(households=6, seed=2))
    import_bundle(tmp_path / "generated")
    people = list(Person.objects.order_by("pk"))
    for index, person in enumerate(people):
        person.given_name = NAMES[index % len(NAMES)]
        person.family_name = NAMES[(index + 3) % len(NAMES)]
        person.save()
    Household.objects.update(address_line_1='=HYPERLINK("http://evil.example/")')
    held = {p.pk: (p.given_name, p.family_name) for p in Person.objects.all()}
    out = tmp_path / "export"
    programme = Programme.objects.get(code="households-into-work")
    export_bundle(out, programme=programme, households=Household.objects.all(), names=True)

    with (out / "people.csv").open(newline="") as handle:
        rows = list(csv.DictReader(handle))
    written = {row["x_given_name"] for row in rows} | {row["x_family_name"] for row in rows}
    assert "'=1+2" in written and "''=already quoted" in written and "'Ofa" in written
    assert "-12" in written  # a plain number is left as it is
    assert [name for name in written if name[:1] in TRIGGERS and name != "-12"] == []
    with (out / "households.csv").open(newline="") as handle:
        addresses = {row["x_address_line_1"] for row in csv.DictReader(handle)}
    assert addresses == {'\'=HYPERLINK("http://evil.example/")'}

    try:
        summary = import_bundle(out)
    except ImportRefused as refused:
        raise AssertionError([str(p) for p in refused.problems]) from None
    assert summary.counts["people.csv"]["updated"] == 0
    assert summary.counts["households.csv"]["updated"] == 0
    assert {p.pk: (p.given_name, p.family_name) for p in Person.objects.all()} == held
    assert set(Household.objects.values_list("address_line_1", flat=True)) == {
        '=HYPERLINK("http://evil.example/")'
    }
