"""SQLite and PostgreSQL give the same reports: one generated bundle imported into a new database
of each, and every table — exact and published, for the programme and for Knowsley, at two
dates — compared figure for figure. (Run once, in the SQLite run of the suite; it makes its own
two databases.)"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import uuid
from pathlib import Path
from typing import Any

import pytest
from django.db import connection

from pathways.exchange.generate import Settings, generate

ROOT = Path(__file__).resolve().parents[3]

# In a fresh process against an empty database: migrate, load the programmes, import the bundle
# and print every table as the command line's JSON.
REPORTS = """
import datetime as dt, json, sys
import django
django.setup()
from django.core.management import call_command
call_command("migrate", verbosity=0)
from pathways.conftest import load_programmes
load_programmes()
from pathways.exchange.importer import import_bundle
from pathways.households.models import Household
from pathways.programmes.models import Programme
from pathways.areas.models import LocalAuthority
from pathways.reporting.formats import as_json, show
from pathways.reporting.scope import make_scope
from pathways.reporting.tables import TABLES, build
import_bundle(__import__("pathlib").Path(sys.argv[1]))
programme = Programme.objects.get(code="households-into-work")
knowsley = LocalAuthority.objects.get(code="E08000011")
found = {}
for on in (dt.date(2018, 10, 31), dt.date(2019, 3, 31)):
    for area in (None, knowsley):
        for published in (False, True):
            scope = make_scope(programme, Household.objects.all(), date_to=on, area=area,
                               published=published)
            for name in TABLES:
                key = f"{name} {on} {area and area.code} {published}"
                found[key] = as_json(show(build(name, scope)))
print(json.dumps(found))
"""


def postgres_url() -> str | None:
    return os.environ.get("PATHWAYS_TEST_POSTGRES") or (
        "postgresql://postgres@127.0.0.1:5432/postgres" if os.environ.get("CI") else None
    )


def reports_on(database: str, bundle: Path) -> dict[str, Any]:
    env = {**os.environ, "DATABASE_URL": database, "DJANGO_SETTINGS_MODULE": "pathways.settings"}
    done = subprocess.run(  # noqa: S603 - our own interpreter and script
        [sys.executable, "-c", REPORTS, str(bundle)],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=900,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


@pytest.mark.django_db
def test_sqlite_and_postgresql_give_the_same_reports(tmp_path: Path) -> None:
    if connection.vendor != "sqlite":
        pytest.skip("run once, from the SQLite run of the suite (it makes both databases)")
    server = postgres_url()
    if server is None:
        pytest.skip("PATHWAYS_TEST_POSTGRES is not set: no PostgreSQL to compare with")
    import psycopg

    generate(tmp_path / "bundle", Settings(households=120, seed=23))
    name = f"pathways_reports_{uuid.uuid4().hex[:8]}"
    base, _, _ = server.rpartition("/")
    with psycopg.connect(f"{base}/postgres", autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        on_postgres = reports_on(f"{base}/{name}", tmp_path / "bundle")
    finally:
        with psycopg.connect(f"{base}/postgres", autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    on_sqlite = reports_on(f"sqlite:///{tmp_path / 'reports.sqlite3'}", tmp_path / "bundle")

    assert len(on_sqlite) == 10 * 2 * 2 * 2
    # Something to compare: the bundle's programme has started households, outcomes and money.
    whole = on_sqlite["performance 2019-03-31 None False"]["rows"]
    assert all(row["count"] > 0 for row in whole if row["key"] != "job_outcomes")
    differing = [key for key in on_sqlite if on_sqlite[key] != on_postgres[key]]
    assert differing == []
