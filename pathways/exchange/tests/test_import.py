"""Importing bundles: all or nothing, idempotent on the refs, changes audited, a summary of what
was created, updated and unchanged."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from pathways.assessments.models import Reading
from pathways.audit.models import AuditEvent
from pathways.budgets.models import Entry
from pathways.casework.models import Activity, OnwardReferral
from pathways.conftest import load_programmes
from pathways.core.problems import ImportRefused
from pathways.exchange.generate import Settings, generate
from pathways.exchange.importer import import_bundle
from pathways.households.models import Consent, Household, Person
from pathways.outcomes.models import EmploymentSpell, Outcome

pytestmark = pytest.mark.django_db


@pytest.fixture
def bundle(tmp_path: Path) -> Path:
    load_programmes()
    generate(tmp_path / "bundle", Settings(households=60, seed=5))
    return tmp_path / "bundle"


def rows(folder: Path, name: str) -> list[dict[str, str]]:
    with (folder / name).open() as handle:
        return list(csv.DictReader(handle))


def counts() -> dict[str, int]:
    return {
        "households": Household.objects.count(),
        "people": Person.objects.count(),
        "readings": Reading.objects.count(),
        "activities": Activity.objects.count(),
        "spells": EmploymentSpell.objects.count(),
        "referrals": OnwardReferral.objects.count(),
        "entries": Entry.objects.count(),
        "consents": Consent.objects.count(),
    }


def test_a_bundle_imports_whole_and_again_changes_nothing(bundle: Path) -> None:
    summary = import_bundle(bundle)
    expected = {
        "households": 60,
        "people": len(rows(bundle, "people.csv")),
        "readings": len(rows(bundle, "star_readings.csv")),
        "activities": len(rows(bundle, "activities.csv")),
        "spells": len(rows(bundle, "employment.csv")),
        "referrals": len(rows(bundle, "referrals_out.csv")),
    }
    found = counts()
    assert {k: found[k] for k in expected} == expected
    assert summary.counts["households.csv"]["created"] == 60
    started = [r for r in rows(bundle, "households.csv") if r["start_date"]]
    assert Household.objects.filter(status__in=["started", "ended"]).count() == len(started)
    # Every started household has its £1,000 and the budget lines on top.
    assert Entry.objects.filter(kind="allocation").count() == len(started)
    assert Entry.objects.filter(kind__in=["spend", "refund"]).count() == len(
        rows(bundle, "budget.csv")
    )
    assert Outcome.objects.exists()  # the rules ran over what came in
    before = counts()
    again = import_bundle(bundle)
    assert counts() == before
    assert all(c["created"] == 0 and c["updated"] == 0 for c in again.counts.values())
    assert again.counts["households.csv"]["unchanged"] == 60


def test_a_changed_row_updates_its_record_and_is_audited(bundle: Path) -> None:
    import_bundle(bundle)
    households = rows(bundle, "households.csv")
    target = households[0]["household_ref"]
    households[0]["tenure"] = "temporary" if households[0]["tenure"] != "temporary" else "owner"
    with (bundle / "households.csv").open("w", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(households[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows(households)
    summary = import_bundle(bundle)
    assert summary.counts["households.csv"]["updated"] == 1
    assert Household.objects.get(reference=target).tenure == households[0]["tenure"]
    event = AuditEvent.objects.get(verb="household.imported_change")
    assert "tenure" in event.data["changes"]


def test_a_half_good_bundle_imports_nothing(bundle: Path) -> None:
    people = rows(bundle, "people.csv")
    people[-1]["gender"] = "dragon"
    with (bundle / "people.csv").open("w", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(people[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows(people)
    with pytest.raises(ImportRefused) as refused:
        import_bundle(bundle)
    assert [(p.file, p.column) for p in refused.value.problems] == [("people.csv", "gender")]
    assert counts() == dict.fromkeys(counts(), 0)


def test_a_dry_run_checks_and_writes_nothing(bundle: Path) -> None:
    summary = import_bundle(bundle, dry_run=True)
    assert summary.counts["households.csv"]["created"] == 60
    assert counts() == dict.fromkeys(counts(), 0)


def test_the_command_line_imports_or_lists_the_problems(bundle: Path, capsys) -> None:
    call_command("import", str(bundle))
    assert "households.csv: 60 created, 0 updated, 0 unchanged" in capsys.readouterr().out
    (bundle / "people.csv").write_text("person_ref,household_ref\n")
    with pytest.raises(
        CommandError, match="people.csv, line 1, column role: the role column is missing"
    ):
        call_command("import", str(bundle))


def test_the_summary_times_the_whole_import(bundle: Path) -> None:
    summary = import_bundle(bundle)
    assert summary.seconds >= sum(summary.timings.values()) * 0.99
