"""The background job queue runs jobs."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from django.db import connection
from django_tasks import TaskResultStatus

from pathways.core.tasks import ping


def database_url() -> str:
    """A URL for the test database, for a separate process to use."""
    db = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{db['NAME']}"
    password = f":{db['PASSWORD']}" if db["PASSWORD"] else ""
    return f"postgresql://{db['USER']}{password}@{db['HOST']}:{db['PORT']}/{db['NAME']}"


@pytest.mark.django_db(transaction=True)
def test_a_queued_job_is_run_by_a_worker_process() -> None:
    result = ping.enqueue()
    assert result.status == TaskResultStatus.READY
    worker = subprocess.run(  # noqa: S603 - our own interpreter and command
        [sys.executable, "-m", "pathways", "db_worker", "--batch", "--no-startup-delay"],
        env=os.environ | {"DATABASE_URL": database_url()},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert worker.returncode == 0, worker.stderr
    result.refresh()
    assert result.status == TaskResultStatus.SUCCESSFUL
    assert result.return_value.startswith("20")
