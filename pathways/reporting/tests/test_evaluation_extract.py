"""The evaluation extract an evaluator can use and no one can unpick: every combination of
quasi-identifiers shared by k people, the board's age bands, the comparison pool, support
received, both scores, employment spells, project-keyed pseudonyms and a data dictionary; in a
fixed number of queries."""

from __future__ import annotations

import csv
import datetime as dt
import io
import time
import zipfile
from collections import Counter
from pathlib import Path

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from pathways.accounts.models import User
from pathways.assessments.models import Instrument, Score
from pathways.assessments.services import record_reading
from pathways.audit.models import AuditEvent
from pathways.budgets.models import Entry
from pathways.casework.models import Activity, Contact
from pathways.conftest import World, load_programmes
from pathways.exchange.generate import Settings, generate
from pathways.exchange.importer import import_bundle
from pathways.households.models import Household, Person
from pathways.outcomes.models import EmploymentSpell
from pathways.privacy import pseudonyms, services
from pathways.privacy.anonymity import WITHHELD
from pathways.privacy.coarsening import QUASI_IDENTIFIERS
from pathways.programmes.models import Programme
from pathways.reporting import extract, extract_rows
from pathways.reporting.profile import age_profile
from pathways.reporting.scope import make_scope
from pathways.site.demo import create_demo

pytestmark = pytest.mark.django_db

HIW = "households-into-work"


def files_of(made: extract.Extract) -> dict[str, list[dict[str, str]]]:
    return {
        name: list(csv.DictReader(io.StringIO(data.decode()))) for name, data in made.files.items()
    }


def combinations(people: list[dict[str, str]]) -> Counter:
    return Counter(tuple(row[name] for name in QUASI_IDENTIFIERS) for row in people)


def assert_k_anonymous(made: extract.Extract, k: int) -> None:
    people = files_of(made)["people.csv"]
    assert people, "an empty extract proves nothing"
    smallest = min(combinations(people).values())
    assert smallest >= k, f"a combination of quasi-identifiers has only {smallest} people"


@pytest.fixture
def demo(db) -> Programme:
    create_demo()
    return Programme.objects.get(code=HIW)


def test_on_the_demo_every_combination_has_k_people_and_the_age_table_is_the_boards(
    demo: Programme,
) -> None:
    made = extract.build_extract(demo, project="demo-evaluation")
    assert_k_anonymous(made, extract.DEFAULT_K)
    assert made.guard.k == 5 and made.guard.steps  # the demo needs coarsening: it was done
    people = files_of(made)["people.csv"]
    # The board's age table counts participants started (adults, and not marked no); the
    # extract gives their bands at start exactly, in the board's bands.
    started = [
        row
        for row in people
        if not row["not_started_reason"] and row["role"] != "child" and row["participant"] == "yes"
    ]
    scope = make_scope(demo, Household.objects.all(), date_to=timezone.localdate())
    board = {row.key: row.count for row in age_profile(scope).rows}
    assert Counter(row["age_band_at_start"] for row in started) == +Counter(board)
    assert set(board) >= {row["age_band_at_start"] for row in people}


def test_a_bigger_k_coarsens_more_and_still_holds(demo: Programme) -> None:
    at_five = extract.build_extract(demo, project="x-project")
    demo.disclosure = {**(demo.disclosure or {}), "extract_k": 20}
    demo.save(update_fields=["disclosure"])
    made = extract.build_extract(demo, project="demo-evaluation")
    assert made.guard.k == 20
    assert_k_anonymous(made, 20)
    assert at_five.people >= made.people  # withholding more, it can only drop more
    dictionary = files_of(made)["data_dictionary.csv"]
    assert any("at least 20 people" in row["meaning"] for row in dictionary)


# The generated programme: 10,000 households take several minutes to import on SQLite, and
# there is no slow marker `make test` runs, so the largest size that builds in under a minute.
GENERATED = 2_000


def test_on_a_generated_programme_every_combination_has_k_people(tmp_path: Path) -> None:
    load_programmes()
    began = time.monotonic()
    generate(tmp_path / "bundle", Settings(households=GENERATED, seed=2026))
    import_bundle(tmp_path / "bundle")
    made = extract.build_extract(Programme.objects.get(code=HIW), project="generated")
    assert time.monotonic() - began < 120
    assert_k_anonymous(made, extract.DEFAULT_K)
    assert made.people > GENERATED  # households of one to several people


def test_the_comparison_pool_is_everyone_referred_who_did_not_start(demo: Programme) -> None:
    made = extract.build_extract(demo, project="demo-evaluation")
    people = files_of(made)["people.csv"]
    pool = [row for row in people if row["not_started_reason"]]
    assert {row["household_status"] for row in pool} == {"referred", "declined", "not_contacted"}
    assert all(row["started"] in ("", WITHHELD) for row in pool)
    reasons = Counter(row["not_started_reason"] for row in pool)
    assert reasons["declined"] and reasons["not_contacted"] and reasons["waiting"]
    decided = [row for row in pool if row["not_started_reason"] != "waiting"]
    assert all(row["not_started_on"] for row in decided)  # a period, or withheld
    assert any(row["not_started_on"] not in ("", WITHHELD) for row in decided)
    assert all(row["referred"] for row in pool)
    # Nobody of theirs consented, so none has an evaluation record: they are in by the
    # evaluation's own basis. Someone who objected is not.
    not_started = Person.objects.filter(
        household__programme=demo, household__start_date__isnull=True
    ).exclude(role="child")
    assert len(pool) + made.guard.dropped >= not_started.count() > 0


def test_an_objection_leaves_a_referred_person_out(world: World) -> None:
    referred = world.household_k.members.get()
    Household.objects.filter(pk=world.household_k.pk).update(
        start_date=None, status=Household.Status.DECLINED, decision_date=dt.date(2019, 2, 1)
    )
    key = pseudonyms.project_key(pseudonyms.pseudonym_key(), "objection-test")
    mine = pseudonyms.pseudonym("person", referred.pk, key)
    assert extract_rows.evaluation_people(world.hiw).filter(pk=referred.pk).exists()
    services.withdraw(
        actor=world.manager_k,
        record=referred.processing_records.get(purpose="evaluation"),
        reason="Objected",
    )
    assert not extract_rows.evaluation_people(world.hiw).filter(pk=referred.pk).exists()
    assert mine.encode() not in b"".join(
        extract.build_extract(world.hiw, project="objection-test").files.values()
    )


def test_pseudonyms_are_stable_within_a_project_and_differ_between_projects(
    demo: Programme,
) -> None:
    first = files_of(extract.build_extract(demo, project="wave-study"))["people.csv"]
    again = files_of(extract.build_extract(demo, project="Wave-Study "))["people.csv"]
    other = files_of(extract.build_extract(demo, project="another-study"))["people.csv"]
    for column in ("person", "household", "advocate", "local_authority"):
        mine = [row[column] for row in first]
        assert mine == [row[column] for row in again], column
        theirs = {row[column] for row in other} - {"", WITHHELD}
        assert theirs and not (theirs & set(mine)), column
    with pytest.raises(pseudonyms.ProjectNameError, match="3 to 60 letters"):
        extract.build_extract(demo, project="a b")


def test_each_person_has_the_support_they_received_both_scores_and_their_spells(
    demo: Programme,
) -> None:
    made = extract.build_extract(demo, project="support-study")
    files = files_of(made)
    key = pseudonyms.project_key(pseudonyms.pseudonym_key(), "support-study")
    by_person = {row["person"]: row for row in files["people.csv"]}
    checked = 0
    done_some = Person.objects.filter(household__programme=demo, activities__status="completed")
    for person in done_some.distinct().order_by("pk")[:20]:
        row = by_person.get(pseudonyms.pseudonym("person", person.pk, key))
        if row is None:
            continue  # dropped by the guard
        activities = Activity.objects.filter(person=person)
        done = activities.filter(status="completed")
        assert int(row["activities_agreed"]) == activities.count()
        assert int(row["activities_completed"]) == done.count()
        hours = sum((a.hours or 0) for a in done)
        assert row["activity_hours"] == f"{hours:.1f}"
        assert int(row["contacts"]) == Contact.objects.filter(household=person.household).count()
        spent = Entry.objects.filter(
            budget__household=person.household, kind__in=["spend", "refund"]
        )
        assert int(row["spend_total_pence"]) == -sum(e.amount_pence for e in spent)
        assert row["referral_route"] == person.household.referral_source
        checked += 1
    assert checked > 5
    assert any(int(row["spend_total_pence"]) > 0 for row in by_person.values())
    assert {row["exit_reason"] for row in by_person.values()} - {""}
    assert {row["advocate"] for row in by_person.values()} - {""}
    # Employment spells: hours, and dates as periods.
    spells = files["employment.csv"]
    assert len(spells) > 0
    assert all(row["person"] in by_person for row in spells)
    assert {row["hours_per_week"] for row in spells} <= {
        str(s.hours_per_week) for s in EmploymentSpell.objects.all()
    }
    assert all(len(row["start"]) in (4, 7, len(WITHHELD)) for row in spells)
    # Both scores: where they agreed, both are the score; the participant's own where it differs.
    readings = files["readings.csv"]
    assert readings and all(row["participant_score"] for row in readings)
    assert all(row["advocate_score"] == row["participant_score"] for row in readings)


def test_a_participants_own_score_that_differs_is_given_beside_the_advocates(
    world: World,
) -> None:
    person = world.household_k.members.get()
    instrument = Instrument.objects.get(code="progress-star")
    codes = list(instrument.points.order_by("order").values_list("code", flat=True))
    scores = dict.fromkeys(codes, (3, None)) | {codes[0]: (2, 4)}
    record_reading(
        actor=world.advocate_k,
        person=person,
        instrument=instrument,
        date=world.household_k.start_date,
        scores=scores,
    )
    assert Score.objects.filter(participant__isnull=True).count() == len(codes) - 1
    world.hiw.disclosure = {**(world.hiw.disclosure or {}), "extract_k": 2}
    world.hiw.save(update_fields=["disclosure"])
    readings = files_of(extract.build_extract(world.hiw, project="scores"))["readings.csv"]
    given = {
        row["point"]: (row["advocate_score"], row["participant_score"], row["agreed"])
        for row in readings
    }
    assert given[codes[0]] == ("2", "4", "no")
    assert given[codes[1]] == ("3", "3", "yes")


def test_the_data_dictionary_describes_every_column_of_every_file(demo: Programme) -> None:
    made = extract.build_extract(demo, project="dictionary")
    with zipfile.ZipFile(io.BytesIO(_zipped(demo))) as bundle:
        names = set(bundle.namelist())
        headers = {
            name: next(csv.reader(io.StringIO(bundle.read(name).decode()))) for name in names
        }
    assert names == {
        "people.csv",
        "readings.csv",
        "outcomes.csv",
        "employment.csv",
        "data_dictionary.csv",
    }
    dictionary = files_of(made)["data_dictionary.csv"]
    described = {(row["file"], row["column"]) for row in dictionary if row["meaning"]}
    assert {(name, column) for name, columns in headers.items() for column in columns} <= described
    coarsening = {
        row["column"]: row["coarsening"] for row in dictionary if row["file"] == "people.csv"
    }
    assert all(coarsening[name].startswith("quasi-identifier") for name in QUASI_IDENTIFIERS)
    assert "local authority" in coarsening["area"]  # what this extract did to it
    summary = [row["meaning"] for row in dictionary if row["file"] == "all files"]
    assert any(f"{made.guard.dropped} people left out" in line for line in summary)
    assert any("ICO" in line for line in summary)


def _zipped(programme: Programme) -> bytes:
    out = io.BytesIO()
    extract.write_extract(programme, out, project="dictionary")
    return out.getvalue()


def test_the_extract_takes_the_same_number_of_queries_whatever_the_size(
    tmp_path: Path, django_assert_max_num_queries
) -> None:
    load_programmes()
    programme = Programme.objects.get(code=HIW)
    generate(tmp_path / "small", Settings(households=20, seed=4))
    import_bundle(tmp_path / "small")
    with CaptureQueriesContext(connection) as small:
        made = extract.build_extract(programme, project="queries")
    assert made.people > 0 and len(small.captured_queries) <= 10
    generate(tmp_path / "large", Settings(households=200, seed=5))
    import_bundle(tmp_path / "large")
    assert Household.objects.count() == 200  # ten times the households (the refs repeat)
    with django_assert_max_num_queries(len(small.captured_queries)):
        assert extract.build_extract(programme, project="queries").people > made.people


def test_the_page_says_what_the_extract_coarsens_and_asks_for_a_project(
    demo: Programme, signed_in
) -> None:
    client = signed_in(User.objects.get(username="evaluator", programmes=demo))
    url = reverse("evaluation:extract")
    missing = client.post(url, {"programme": demo.code})
    assert missing.status_code == 400
    assert "Give the evaluation project" in missing.content.decode()
    bad = client.post(url, {"programme": demo.code, "project": "my project!"})
    assert "3 to 60 letters, digits and hyphens" in bad.content.decode()
    checked = client.post(url, {"programme": demo.code, "project": "page", "action": "check"})
    page = checked.content.decode()
    assert checked.status_code == 200 and checked["Content-Type"].startswith("text/html")
    assert "What this extract coarsens" in page and "at least 5 people" in page
    assert "area: LSOA to local authority" in page
    got = client.post(url, {"programme": demo.code, "project": "page"})
    assert got["Content-Type"] == "application/zip"
    assert "page" in got["Content-Disposition"]
    [event] = AuditEvent.objects.filter(verb="evaluation.extracted")  # the check is not one
    assert event.data["project"] == "page" and event.data["k"] == 5
    assert event.data["coarsened"] and "dropped" in event.data
