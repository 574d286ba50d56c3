"""The format's "Rules for an importer", file by file: a changed row updates the record it refers
to (matched on the refs, or on person, date and kind for rows without a ref) and the change is
audited; everything else is unchanged; and the rules between files (a person's household, a
reading's person) are checked before anything is written."""

from __future__ import annotations

import csv
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from pathways.assessments.models import Reading
from pathways.audit.models import AuditEvent
from pathways.budgets.models import Entry
from pathways.casework.models import Activity, OnwardReferral
from pathways.conftest import load_programmes
from pathways.core.problems import ImportRefused
from pathways.exchange.generate import Settings, generate
from pathways.exchange.importer import import_bundle
from pathways.households.models import Household, Person
from pathways.outcomes.models import EmploymentSpell, Outcome

pytestmark = pytest.mark.django_db


@pytest.fixture
def bundle(tmp_path: Path) -> Path:
    load_programmes()
    generate(tmp_path / "bundle", Settings(households=40, seed=21))
    import_bundle(tmp_path / "bundle")
    return tmp_path / "bundle"


def change(folder: Path, name: str, pick: Callable[[dict], bool], **cells: str) -> dict:
    """Change cells of the first row `pick` chooses; returns that row as it was."""
    path = folder / name
    rows = list(csv.DictReader(path.open(newline="")))
    row = next(r for r in rows if pick(r))
    before = dict(row)
    row.update(cells)
    with path.open("w", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    return before


def only_change(summary: Any, name: str) -> None:
    """The summary: one row of `name` updated, nothing created or updated anywhere else."""
    changed = {
        file: (c["created"], c["updated"])
        for file, c in summary.counts.items()
        if c["created"] or c["updated"]
    }
    assert changed == {name: (0, 1)}


def test_a_changed_person_is_updated_and_audited(bundle: Path) -> None:
    row = change(
        bundle,
        "people.csv",
        lambda r: r["role"] == "primary" and r["qualification"] != "level_4_plus",
        qualification="level_4_plus",
    )
    only_change(import_bundle(bundle), "people.csv")
    person = Person.objects.get(reference=row["person_ref"])
    assert person.qualification == "level_4_plus"
    event = AuditEvent.objects.get(verb="person.imported_change")
    assert event.data["changes"]["qualification"]["before"] == row["qualification"]


def test_a_changed_reading_is_amended_keeping_the_original(bundle: Path) -> None:
    row = change(bundle, "star_readings.csv", lambda r: r["money"] != "5", money="5")
    only_change(import_bundle(bundle), "star_readings.csv")
    readings = Reading.objects.filter(person__reference=row["person_ref"], date=row["date"])
    current = readings.get(superseded=False)
    assert current.scores.get(point__code="money").value == 5
    original = readings.get(superseded=True)
    assert original.scores.get(point__code="money").value == int(row["money"])


def test_a_changed_activity_is_updated_and_audited(bundle: Path) -> None:
    row = change(
        bundle,
        "activities.csv",
        lambda r: not r["completed_date"],
        completed_date="2019-03-30",
        status="completed",
    )
    only_change(import_bundle(bundle), "activities.csv")
    activity = Activity.objects.get(
        person__reference=row["person_ref"],
        agreed_date=row["agreed_date"],
        activity_type=row["activity_type"],
        title=row["title"],
    )
    assert activity.status == "completed"
    assert AuditEvent.objects.filter(verb="activity.imported_change").exists()


def test_a_spell_that_ends_sooner_withdraws_its_job_outcome(bundle: Path) -> None:
    job = Outcome.objects.filter(kind="job_outcome").select_related("person").first()
    assert job is not None
    spell = EmploymentSpell.objects.filter(person=job.person).order_by("start_date").first()
    row = change(
        bundle,
        "employment.csv",
        lambda r: (
            r["person_ref"] == job.person.reference
            and r["start_date"] == spell.start_date.isoformat()
        ),
        end_date=spell.start_date.isoformat(),
    )
    assert row["end_date"] != spell.start_date.isoformat()
    only_change(import_bundle(bundle), "employment.csv")
    job.refresh_from_db()
    assert job.status == "withdrawn"
    assert "no longer" in job.withdrawn_reason
    assert AuditEvent.objects.filter(verb="employmentspell.imported_change").exists()


def test_a_changed_onward_referral_is_updated(bundle: Path) -> None:
    row = change(
        bundle, "referrals_out.csv", lambda r: r["status"] != "declined", status="declined"
    )
    only_change(import_bundle(bundle), "referrals_out.csv")
    assert OnwardReferral.objects.filter(
        person__reference=row["person_ref"], date=row["date"], status="declined"
    ).exists()


def test_a_changed_budget_line_is_corrected_by_a_new_entry(bundle: Path) -> None:
    row = change(bundle, "budget.csv", lambda r: not r["amount"].startswith("-"), amount="1.00")
    entries = Entry.objects.count()
    only_change(import_bundle(bundle), "budget.csv")
    assert Entry.objects.count() == entries + 1  # the ledger is never rewritten
    net = sum(
        Entry.objects.filter(
            budget__household__reference=row["household_ref"],
            date=row["date"],
            category=row["category"],
            kind__in=["spend", "refund"],
        ).values_list("amount_pence", flat=True)
    )
    assert net == -100


def test_a_person_whose_household_is_missing_is_refused_and_nothing_changes(
    bundle: Path,
) -> None:
    change(bundle, "people.csv", lambda r: r["role"] == "partner", household_ref="SYN-NOWHERE")
    change(bundle, "activities.csv", lambda r: True, hours="10")
    people = Person.objects.count()
    with pytest.raises(ImportRefused) as refused:
        import_bundle(bundle)
    assert [(p.file, p.column, p.reason) for p in refused.value.problems] == [
        ("people.csv", "household_ref", "is not a household in households.csv")
    ]
    assert Person.objects.count() == people
    assert not AuditEvent.objects.filter(verb="activity.imported_change").exists()


def test_a_household_the_bundle_starts_gets_its_budget_and_its_spending(tmp_path: Path) -> None:
    """Referred in one bundle, started (with spending) in the next."""
    load_programmes()
    started = tmp_path / "started"
    generate(started, Settings(households=20, seed=22))
    budget_rows = list(csv.DictReader((started / "budget.csv").open(newline="")))
    ref = budget_rows[0]["household_ref"]
    referred = tmp_path / "referred"
    shutil.copytree(started, referred)
    change(
        referred,
        "households.csv",
        lambda r: r["household_ref"] == ref,
        start_date="",
        end_date="",
        exit_reason="",
        advocate="",
    )
    with (referred / "budget.csv").open("w", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(budget_rows[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows(r for r in budget_rows if r["household_ref"] != ref)
    import_bundle(referred)
    household = Household.objects.get(reference=ref)
    assert household.status == "referred"
    assert not Entry.objects.filter(budget__household=household).exists()

    import_bundle(started)
    household.refresh_from_db()
    assert household.status in ("started", "ended")
    entries = Entry.objects.filter(budget__household=household)
    assert entries.filter(kind="allocation", amount_pence=100_000).exists()
    assert entries.filter(kind__in=["spend", "refund"]).count() == sum(
        1 for r in budget_rows if r["household_ref"] == ref
    )


def test_a_changed_row_changes_only_what_it_says(bundle: Path) -> None:
    """A new tenure leaves a declined household declined and with its team; a bundle without
    the advocate column leaves every advocate as they were."""
    from pathways.organisations.tests.factories import OrganisationFactory

    row = change(
        bundle,
        "households.csv",
        lambda r: not r["start_date"] and r["tenure"] != "owner",
        tenure="owner",
    )
    household = Household.objects.get(reference=row["household_ref"])
    team = OrganisationFactory(name="A housing provider's team")
    Household.objects.filter(pk=household.pk).update(status="declined", organisation=team)
    only_change(import_bundle(bundle), "households.csv")
    household.refresh_from_db()
    assert (household.tenure, household.status, household.organisation) == (
        "owner",
        "declined",
        team,
    )

    from pathways.accounts.tests.factories import UserFactory
    from pathways.core.roles import Role

    advocate = UserFactory(username="advocate-x", role=Role.ADVOCATE)
    Household.objects.filter(pk=household.pk).update(advocate=advocate)
    advocates = dict(Household.objects.values_list("pk", "advocate_id"))
    rows = list(csv.DictReader((bundle / "households.csv").open(newline="")))
    with (bundle / "households.csv").open("w", newline="") as handle:
        columns = [c for c in rows[0] if c != "advocate"]
        writer = csv.DictWriter(
            handle, fieldnames=columns, lineterminator="\n", extrasaction="ignore"
        )
        writer.writeheader()
        writer.writerows(rows)
    import_bundle(bundle)
    assert dict(Household.objects.values_list("pk", "advocate_id")) == advocates
    assert Household.objects.get(pk=household.pk).advocate == advocate
