"""Exporting a programme: the bundle holds what the user may see, and exporting then importing
the export into an empty database gives the same records, outcomes and spending (the round trip,
run on whichever database the suite runs on)."""

from __future__ import annotations

import csv
import json
import os
import subprocess
import sys
import uuid
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.db.models import Count, Sum

from pathways.assessments.models import Reading, Score
from pathways.budgets.models import Entry
from pathways.casework.models import Activity, OnwardReferral
from pathways.conftest import load_programmes
from pathways.core.problems import ImportRefused
from pathways.exchange.export import export_bundle
from pathways.exchange.generate import Settings, generate
from pathways.exchange.importer import import_bundle
from pathways.households.models import Household, Person
from pathways.outcomes.models import EmploymentSpell, Outcome
from pathways.programmes.models import Programme

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parents[3]


def figures(code: str = "households-into-work") -> dict[str, Any]:
    """What a programme's reports and outcomes are made of, keyed by the refs (not ids)."""
    programme = Programme.objects.get(code=code)
    households = Household.objects.filter(programme=programme)
    people = Person.objects.filter(household__programme=programme)
    return {
        "households": sorted(
            [h["status"], h["local_authority__code"], h["n"]]
            for h in households.values("status", "local_authority__code").annotate(n=Count("id"))
        ),
        "people": sorted(
            [p["role"], p["gender"], p["time_since_work"], p["n"]]
            for p in people.values("role", "gender", "time_since_work").annotate(n=Count("id"))
        ),
        "outcomes": sorted(
            [o["person__reference"], o["kind"], o["status"], str(o["achieved_on"]), o["quantity"]]
            for o in Outcome.objects.filter(programme=programme).values(
                "person__reference", "kind", "status", "achieved_on", "quantity"
            )
        ),
        "spending": sorted(
            [e["kind"], e["category"], e["total"]]
            for e in Entry.objects.filter(budget__household__programme=programme)
            .values("kind", "category")
            .annotate(total=Sum("amount_pence"))
        ),
        "readings": Reading.objects.filter(person__in=people, superseded=False).count(),
        "scores": Score.objects.filter(
            reading__person__in=people, reading__superseded=False
        ).aggregate(total=Sum("worker"))["total"],
        "completed_activities": Activity.objects.filter(
            person__in=people, completed_date__isnull=False
        ).count(),
        "spells": EmploymentSpell.objects.filter(person__in=people).count(),
        "referrals_out": OnwardReferral.objects.filter(person__in=people).count(),
    }


# Run in a fresh process against an empty database: migrate, load the programmes, import the
# export, print the figures and export again.
FRESH = """
import json, sys
import django
django.setup()
from django.core.management import call_command
call_command("migrate", verbosity=0)
from pathways.conftest import load_programmes
load_programmes()
from pathways.exchange.importer import import_bundle
from pathways.core.problems import ImportRefused
from pathways.exchange.export import export_bundle
from pathways.exchange.tests.test_export import figures
from pathways.households.models import Household
from pathways.programmes.models import Programme
from pathlib import Path
import_bundle(Path(sys.argv[1]))
export_bundle(Path(sys.argv[2]), programme=Programme.objects.get(code="households-into-work"),
              households=Household.objects.all(), names=True)
print(json.dumps(figures()))
"""


def empty_database() -> tuple[str, Any]:
    """A URL of a new, empty database like the suite's own, and how to remove it."""
    settings = connection.settings_dict
    if connection.vendor == "sqlite":
        path = ROOT / "var" / f"roundtrip-{uuid.uuid4().hex[:8]}.sqlite3"
        return f"sqlite:///{path}", lambda: [
            p.unlink(missing_ok=True) for p in path.parent.glob(f"{path.name}*")
        ]
    import psycopg

    name = f"pathways_roundtrip_{uuid.uuid4().hex[:8]}"
    server = {
        "host": settings["HOST"] or "127.0.0.1",
        "port": settings["PORT"] or 5432,
        "user": settings["USER"],
        "password": settings["PASSWORD"] or None,
    }
    with psycopg.connect(dbname="postgres", autocommit=True, **server) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')

    def drop() -> None:
        with psycopg.connect(dbname="postgres", autocommit=True, **server) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    password = f":{server['password']}" if server["password"] else ""
    return f"postgresql://{server['user']}{password}@{server['host']}:{server['port']}/{name}", drop


def read(path: Path) -> str:
    return path.read_text(encoding="utf-8")


def test_export_then_import_into_an_empty_database_gives_the_same_figures(
    tmp_path: Path,
) -> None:
    load_programmes()
    generate(tmp_path / "generated", Settings(households=80, seed=11))
    import_bundle(tmp_path / "generated")
    before = figures()
    assert before["outcomes"] and before["spending"] and before["spells"]

    exported = tmp_path / "export.zip"
    rows = export_bundle(
        exported,
        programme=Programme.objects.get(code="households-into-work"),
        households=Household.objects.all(),
        names=True,
    )
    assert rows["households.csv"] == 80

    url, remove = empty_database()
    try:
        env = {**os.environ, "DATABASE_URL": url, "DJANGO_SETTINGS_MODULE": "pathways.settings"}
        done = subprocess.run(  # noqa: S603 - our own interpreter and script
            [sys.executable, "-c", FRESH, str(exported), str(tmp_path / "again")],
            env=env,
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=600,
            check=False,
        )
    finally:
        remove()
    assert done.returncode == 0, done.stderr[-3000:]
    after = json.loads(done.stdout.strip().splitlines()[-1])
    assert after == json.loads(json.dumps(before))
    # And the empty database's own export is the same bundle, file by file.
    export_bundle(
        tmp_path / "first",
        programme=Programme.objects.get(code="households-into-work"),
        households=Household.objects.all(),
        names=True,
    )
    for name in sorted(p.name for p in (tmp_path / "first").iterdir()):
        assert read(tmp_path / "again" / name) == read(tmp_path / "first" / name), name


def test_a_bundle_holds_only_what_the_user_may_see_and_names_only_when_asked(
    tmp_path: Path, world: Any
) -> None:
    from pathways.households.selectors import households_visible_to

    export_bundle(
        tmp_path / "k",
        programme=world.hiw,
        households=households_visible_to(world.manager_k),
    )
    with (tmp_path / "k" / "households.csv").open() as handle:
        found = {row["household_ref"] for row in csv.DictReader(handle)}
    assert found == {world.household_k.reference, world.household_k2.reference}
    with (tmp_path / "k" / "people.csv").open() as handle:
        people = list(csv.DictReader(handle))
    assert people and "x_family_name" not in people[0]
    assert {p["household_ref"] for p in people} <= found


def test_the_command_line_exports_a_programme_or_says_what_is_wrong(
    tmp_path: Path, world: Any, capsys: Any
) -> None:
    call_command("export", str(tmp_path / "out.zip"), programme="households-into-work")
    assert "households.csv: 3 rows" in capsys.readouterr().out
    with pytest.raises(CommandError, match="There is no programme 'nope'"):
        call_command("export", str(tmp_path / "other"), programme="nope")
    with pytest.raises(CommandError, match="already exists"):
        call_command("export", str(tmp_path / "out.zip"), programme="households-into-work")


def made_in_pathways(world: Any) -> dict[str, Any]:
    """Records made through the services (no refs of their own), on a started household."""
    import datetime as dt

    from pathways.budgets import ledger, spend_requests
    from pathways.casework import action_plans, onward_referrals
    from pathways.outcomes.spells import record_spell

    household = world.household_k
    person = household.members.get()
    on = household.start_date + dt.timedelta(days=3)
    activity = action_plans.add_activity(
        actor=world.advocate_k,
        person=person,
        activity_type="course",
        agreed_date=on,
        hours=Decimal("6"),
    )
    spell = record_spell(
        actor=world.advocate_k, person=person, start_date=on, hours_per_week=Decimal("20")
    )
    referral = onward_referrals.record_onward_referral(
        actor=world.advocate_k, person=person, date=on, service_type="debt_advice"
    )
    request = spend_requests.request_spend(
        actor=world.advocate_k, household=household, category="travel", amount_pence=2500, on=on
    )
    spend_requests.pay(actor=world.manager_k, request=request, on=on)
    ledger.refund(
        actor=world.advocate_k, household=household, amount_pence=500, category="travel", on=on
    )
    return {"activity": activity, "spell": spell, "referral": referral}


def test_importing_an_export_into_its_own_database_changes_nothing(
    tmp_path: Path, world: Any
) -> None:
    made_in_pathways(world)
    generate(tmp_path / "generated", Settings(households=15, seed=4))
    import_bundle(tmp_path / "generated")
    before = figures()
    counts = {
        model.__name__: model.objects.count()
        for model in (Activity, EmploymentSpell, OnwardReferral, Entry, Reading, Person)
    }
    out = tmp_path / "export"
    export_bundle(out, programme=world.hiw, households=Household.objects.all())
    try:
        summary = import_bundle(out)
    except ImportRefused as refused:
        raise AssertionError([str(p) for p in refused.problems]) from None
    assert {
        name: (c["created"], c["updated"]) for name, c in summary.counts.items()
    } == dict.fromkeys(summary.counts, (0, 0))
    assert summary.counts["budget.csv"]["unchanged"] > 0
    assert figures() == before
    assert counts == {
        model.__name__: model.objects.count()
        for model in (Activity, EmploymentSpell, OnwardReferral, Entry, Reading, Person)
    }


def test_a_changed_row_of_an_export_updates_the_record_made_in_pathways(
    tmp_path: Path, world: Any
) -> None:
    made = made_in_pathways(world)
    out = tmp_path / "export"
    export_bundle(out, programme=world.hiw, households=Household.objects.all())
    path = out / "activities.csv"
    rows = list(csv.DictReader(path.open()))
    row = next(r for r in rows if r["x_ref"] == f"id:{made['activity'].pk}")
    row["completed_date"] = row["agreed_date"]
    with path.open("w", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    summary = import_bundle(out)
    assert summary.counts["activities.csv"]["updated"] == 1
    made["activity"].refresh_from_db()
    assert made["activity"].status == "completed"
    assert Activity.objects.count() == 1


def test_a_changed_payment_made_in_pathways_is_refused_not_imported(
    tmp_path: Path, world: Any
) -> None:
    made_in_pathways(world)
    out = tmp_path / "export"
    export_bundle(out, programme=world.hiw, households=Household.objects.all())
    path = out / "budget.csv"
    text = path.read_text()
    assert "25.00" in text
    path.write_text(text.replace("25.00", "35.00"))
    entries = Entry.objects.count()
    with pytest.raises(ImportRefused) as refused:
        import_bundle(out)
    assert "record a refund or adjustment on the household's budget page" in str(
        refused.value.problems[0]
    )
    assert Entry.objects.count() == entries


def test_a_refund_is_written_after_the_spend_it_returns(tmp_path: Path, world: Any) -> None:
    made_in_pathways(world)  # £25.00 of travel and a £5.00 refund, on one day
    export_bundle(tmp_path / "out", programme=world.hiw, households=Household.objects.all())
    amounts = [row["amount"] for row in csv.DictReader((tmp_path / "out" / "budget.csv").open())]
    assert amounts == ["25.00", "-5.00"]


def test_a_spell_corrected_in_pathways_is_still_itself_when_its_export_comes_back(
    tmp_path: Path,
) -> None:
    import datetime as dt

    from pathways.outcomes.spells import correct_spell

    load_programmes()
    generate(tmp_path / "generated", Settings(households=40, seed=21))
    import_bundle(tmp_path / "generated")
    spell = EmploymentSpell.objects.exclude(reference="").first()
    correct_spell(actor=None, spell=spell, start_date=spell.start_date + dt.timedelta(days=1))
    spells = EmploymentSpell.objects.count()
    programme = Programme.objects.get(code="households-into-work")
    export_bundle(tmp_path / "out", programme=programme, households=Household.objects.all())
    summary = import_bundle(tmp_path / "out")
    assert EmploymentSpell.objects.count() == spells
    assert summary.counts["employment.csv"]["created"] == 0
