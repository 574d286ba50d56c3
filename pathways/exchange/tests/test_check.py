"""Checking a bundle: a generated one is clean; every kind of bad value is named with its file,
line, column, value and reason; a bundle that is half good is refused as a whole."""

from __future__ import annotations

import csv
import io
import zipfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pathways.conftest import load_programmes
from pathways.core.problems import ImportRefused, Problem
from pathways.exchange.bundle import Bundle
from pathways.exchange.check import Checked, check_bundle, context_from_database
from pathways.exchange.generate import Settings, generate

pytestmark = pytest.mark.django_db


@pytest.fixture
def context():  # type: ignore[no-untyped-def]
    load_programmes()
    return context_from_database()


@pytest.fixture
def bundle_dir(tmp_path: Path) -> Path:
    generate(tmp_path / "bundle", Settings(households=40, seed=11))
    return tmp_path / "bundle"


def edit(folder: Path, name: str, line: int, column: str, value: str) -> None:
    """Change one cell (line 2 is the first row after the header)."""
    path = folder / name
    rows = list(csv.reader(path.open(newline="")))
    rows[line - 1][rows[0].index(column)] = value
    with path.open("w", newline="") as handle:
        csv.writer(handle, lineterminator="\n").writerows(rows)


def found(checked: Checked) -> dict[tuple[str, int, str], str]:
    return {(p.file, p.line, p.column): p.reason for p in checked.problems}


def test_a_generated_bundle_is_clean_as_a_folder_and_as_a_zip(bundle_dir: Path, context) -> None:
    checked = check_bundle(Bundle(bundle_dir), context)
    assert checked.problems == []
    assert checked.rows["households.csv"] == 40
    archive = bundle_dir.parent / "bundle.zip"
    with zipfile.ZipFile(archive, "w") as zipped:
        for path in bundle_dir.iterdir():
            zipped.write(path, f"bundle/{path.name}")
    assert check_bundle(Bundle(archive), context).problems == []


@pytest.mark.parametrize(
    ("name", "column", "value", "reason"),
    [
        ("households.csv", "programme", "no-such-programme", "is not a programme in Pathways"),
        (
            "households.csv",
            "local_authority",
            "Atlantis",
            "is not a local authority Pathways knows",
        ),
        ("households.csv", "referral_date", "2019-02-30", "is not a date in the form YYYY-MM-DD"),
        ("households.csv", "referral_date", "31/01/2019", "is not a date in the form YYYY-MM-DD"),
        ("households.csv", "referral_date", "2999-01-01", "is in the future"),
        ("households.csv", "referral_source", "carrier_pigeon", "is not a known code"),
        ("households.csv", "postcode", "NOT A CODE", "is not a real postcode"),
        ("households.csv", "lsoa", "E0100", "is not an LSOA code"),
        ("households.csv", "advocate", "nobody@example.invalid", "is not the login name"),
        ("people.csv", "household_ref", "SYN-999999", "is not a household in households.csv"),
        ("people.csv", "role", "boss", "is not a known code"),
        ("people.csv", "participant", "maybe", "must be yes or no"),
        ("people.csv", "support_needs", "mental_health;dragons", "'dragons' is not a known code"),
        ("star_readings.csv", "money", "7", "must be from 1 to 5 on progress-star"),
        ("star_readings.csv", "money", "three", "must be a whole number from 1 to 5"),
        ("star_readings.csv", "person_ref", "SYN-000001-9", "is not a person in people.csv"),
        ("activities.csv", "activity_type", "skydiving", "is not a known code"),
        ("activities.csv", "hours", "lots", "is not a number"),
        ("budget.csv", "amount", "12.345", "Enter the amount in pounds and pence"),
        ("budget.csv", "category", "yachts", "is not a known code"),
        ("people.csv", "date_of_birth", "2999-01-01", "is in the future"),
        ("people.csv", "age_band", "12-15", "is not a known code"),
        ("households.csv", "income_band", "millions", "is not a known code"),
        ("employment.csv", "hours_per_week", "0", "must be between 0.01 and 168"),
        ("employment.csv", "self_employed", "perhaps", "must be yes or no"),
        ("employment.csv", "evidence", "vibes", "is not a known code"),
        ("referrals_out.csv", "service", "wizard", "is not a known code"),
        ("activities.csv", "star_point", "luck", "is not a point of any instrument"),
        ("star_readings.csv", "instrument", "tarot", "is not an instrument in Pathways"),
    ],
)
def test_each_kind_of_bad_value_is_named(
    bundle_dir: Path, context, name: str, column: str, value: str, reason: str
) -> None:
    edit(bundle_dir, name, 2, column, value)
    checked = check_bundle(Bundle(bundle_dir), context)
    problems = found(checked)
    assert reason in problems.get((name, 2, column), ""), checked.problems
    problem = next(p for p in checked.problems if (p.file, p.line, p.column) == (name, 2, column))
    assert problem.value == value or value == ""


def test_every_problem_of_a_half_good_bundle_is_reported_at_once(bundle_dir: Path, context) -> None:
    edit(bundle_dir, "households.csv", 3, "start_date", "2017-01-01")  # before its referral
    edit(bundle_dir, "people.csv", 4, "gender", "unknown")
    edit(bundle_dir, "employment.csv", 2, "hours_per_week", "200")
    checked = check_bundle(Bundle(bundle_dir), context)
    problems = found(checked)
    assert problems[("households.csv", 3, "start_date")] == "is before the referral date"
    assert "is not a known code" in problems[("people.csv", 4, "gender")]
    assert problems[("employment.csv", 2, "hours_per_week")] == "must be between 0.01 and 168"
    assert len(checked.problems) == 3


def row_of(folder: Path, name: str, line: int) -> dict[str, str]:
    return list(csv.DictReader((folder / name).open(newline="")))[line - 2]


def test_the_rules_between_cells_rows_and_files(bundle_dir: Path, context) -> None:
    """Each rule that looks beyond one cell, named on the cell that breaks it."""
    first = row_of(bundle_dir, "households.csv", 2)
    edit(bundle_dir, "households.csv", 3, "household_ref", first["household_ref"])
    person = row_of(bundle_dir, "people.csv", 2)
    edit(bundle_dir, "people.csv", 3, "person_ref", person["person_ref"])
    reading = row_of(bundle_dir, "star_readings.csv", 2)
    edit(bundle_dir, "star_readings.csv", 3, "person_ref", reading["person_ref"])
    edit(bundle_dir, "star_readings.csv", 3, "date", reading["date"])
    edit(bundle_dir, "star_readings.csv", 4, "work", "")
    edit(bundle_dir, "employment.csv", 2, "end_date", "2000-01-01")
    activity = row_of(bundle_dir, "activities.csv", 2)
    edit(bundle_dir, "activities.csv", 2, "completed_date", "2000-01-01")
    edit(bundle_dir, "households.csv", 4, "end_date", "")
    edit(bundle_dir, "households.csv", 4, "exit_reason", "completed")
    edit(bundle_dir, "households.csv", 5, "start_date", "")
    edit(bundle_dir, "households.csv", 5, "end_date", "2019-01-01")
    problems = found(check_bundle(Bundle(bundle_dir), context))
    assert problems[("households.csv", 3, "household_ref")] == "appears twice in households.csv"
    assert problems[("people.csv", 3, "person_ref")] == "appears twice in people.csv"
    assert problems[("star_readings.csv", 3, "date")] == (
        f"{reading['person_ref']} has another progress-star reading on this date"
    )
    assert problems[("star_readings.csv", 4, "work")] == (
        "is required: every point of progress-star is scored"
    )
    assert problems[("employment.csv", 2, "end_date")] == "is before the start date"
    assert problems[("activities.csv", 2, "completed_date")] == "is before the agreed date"
    assert problems[("households.csv", 4, "exit_reason")] == "needs an end date"
    assert problems[("households.csv", 5, "end_date")] == (
        "needs a start date: support cannot end before it starts"
    )
    assert activity["agreed_date"] > "2000-01-01"


def test_a_missing_file_or_column_and_a_stranger_are_explained(bundle_dir: Path, context) -> None:
    (bundle_dir / "people.csv").unlink()
    (bundle_dir / "notes.csv").write_text("a,b\n1,2\n")
    problems = {(p.file, p.reason) for p in check_bundle(Bundle(bundle_dir), context).problems}
    assert ("people.csv", "is missing: every bundle needs it") in problems
    assert ("notes.csv", "is not a file of the exchange format") in problems


def test_a_file_that_is_not_a_bundle_is_explained(tmp_path: Path) -> None:
    not_zip = tmp_path / "bundle.zip"
    not_zip.write_bytes(b"PK\x03\x04 not really")
    with pytest.raises(ImportRefused) as refused:
        Bundle(not_zip)
    assert refused.value.problems[0].reason == "is not a folder or a .zip file"


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    header=st.lists(
        st.sampled_from(
            ["household_ref", "programme", "local_authority", "start_date", "x_note", "??"]
        ),
        max_size=6,
    ),
    body=st.one_of(st.binary(max_size=300), st.text(max_size=300).map(str.encode)),
)
def test_any_households_file_gets_an_answer_never_a_traceback(
    tmp_path: Path, context, header: list[str], body: bytes
) -> None:
    folder = tmp_path / "fuzz"
    folder.mkdir(exist_ok=True)
    (folder / "households.csv").write_bytes(",".join(header).encode() + b"\n" + body)
    (folder / "people.csv").write_bytes(b"person_ref,household_ref,role\n")
    checked = check_bundle(Bundle(folder), context)
    assert all(isinstance(p, Problem) and p.reason for p in checked.problems)
    buffer = io.StringIO()
    for problem in checked.problems:
        buffer.write(str(problem))
