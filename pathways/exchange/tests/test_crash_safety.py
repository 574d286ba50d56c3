"""An import killed part-way (SIGKILL: no chance to clean up) leaves nothing of itself in the
database and a failed import on record; running it again completes."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import connection

from pathways.assessments.models import Reading
from pathways.audit.models import AuditEvent
from pathways.conftest import load_programmes
from pathways.core.tests.test_settings import REPO, outside_env
from pathways.exchange import services
from pathways.exchange.generate import Settings, generate
from pathways.exchange.models import ImportRun
from pathways.households.models import Household, Person

pytestmark = pytest.mark.django_db(transaction=True)


def database_url() -> str:
    config = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{config['NAME']}"
    user = config.get("USER") or "postgres"
    return f"postgresql://{user}@{config.get('HOST') or '127.0.0.1'}:{config.get('PORT') or 5432}/{config['NAME']}"


def counts() -> dict[str, int]:
    return {
        "households": Household.objects.count(),
        "people": Person.objects.count(),
        "readings": Reading.objects.count(),
    }


def test_a_killed_import_leaves_nothing_and_a_failed_run_and_runs_again(tmp_path: Path) -> None:
    load_programmes()
    bundle = tmp_path / "bundle"
    generate(bundle, Settings(households=1500, seed=11))
    before = counts()
    env = outside_env() | {
        "DATABASE_URL": database_url(),
        "PATHWAYS_VAR_DIR": str(tmp_path / "var"),
        "PATHWAYS_PRIVATE_FILES_DIR": str(settings.PRIVATE_FILES_DIR),
    }
    worker = subprocess.Popen(  # noqa: S603
        [sys.executable, "-m", "pathways", "import", str(bundle)],
        env=env,
        cwd=REPO,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    # Wait until it is writing: the run is recorded and the progress file says so.
    deadline = time.monotonic() + 120
    progress = None
    while time.monotonic() < deadline and worker.poll() is None:
        run = ImportRun.objects.filter(status="running").first()
        progress = services.progress_of(run) if run else None
        if progress and progress["stage"] == "Importing" and progress["rows"] > 0:
            break
        time.sleep(0.05)
    assert worker.poll() is None, (
        f"the import ended before it could be killed: {worker.communicate()}"
    )
    assert progress and progress["stage"] == "Importing", progress
    os.kill(worker.pid, signal.SIGKILL)
    worker.wait()

    # Nothing of it is in the database; its run still says "running" until someone looks.
    assert counts() == before
    run = ImportRun.objects.get()
    assert run.status == "running"
    [failed] = services.mark_interrupted()
    assert failed.pk == run.pk and failed.status == "failed"
    assert "stopped before it finished" in failed.error and "Nothing of it was kept" in failed.error
    assert AuditEvent.objects.filter(verb="exchange.import_interrupted").count() == 1
    assert services.mark_interrupted() == []  # once only

    # Running it again completes, with everything in it.
    call_command("import", str(bundle))
    assert counts()["households"] == before["households"] + 1500
    assert ImportRun.objects.filter(status="done").count() == 1
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA integrity_check")
            assert cursor.fetchone()[0] == "ok"
