"""SIGTERM (how systemd, compose and `pathways run` stop a process) stops the job worker at
once, idle or in the middle of an import (abandoned: nothing of it kept, the run marked
failed), its heartbeat gone; and stopping `pathways run` leaves no process behind, however
stubborn. Real processes, on the suite's own database."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.base import File
from django_tasks_db.models import DBTaskResult

from pathways.conftest import World
from pathways.core.tests.test_settings import REPO, outside_env
from pathways.exchange import services
from pathways.exchange.generate import Settings, generate
from pathways.exchange.models import ImportRun
from pathways.exchange.tasks import import_uploaded_bundle
from pathways.exchange.tests.test_crash_safety import database_url
from pathways.households.models import Household
from pathways.operations.models import ProcessBeat
from pathways.operations.supervisor import Child, Supervisor

pytestmark = pytest.mark.django_db(transaction=True)

WORKER = [sys.executable, "-m", "pathways", "worker", "--interval=0.2", "--no-startup-delay"]


def environment(tmp_path: Path) -> dict[str, str]:
    """The worker's environment: this suite's database and private files, the worktree's code."""
    return outside_env() | {
        "DATABASE_URL": database_url(),
        "PATHWAYS_VAR_DIR": str(tmp_path / "var"),
        "PATHWAYS_PRIVATE_FILES_DIR": str(settings.PRIVATE_FILES_DIR),
        "PYTHONPATH": str(REPO),
    }


def alive(pid: int) -> bool:
    """The process exists and is not a zombie waiting to be reaped."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


def until(condition: object, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():  # type: ignore[operator]
            return
        time.sleep(0.05)
    raise AssertionError(f"gave up waiting after {seconds} s")


def worker_beats() -> list[str]:
    return list(
        ProcessBeat.objects.filter(kind=ProcessBeat.Kind.WORKER).values_list("name", flat=True)
    )


@pytest.fixture
def worker(tmp_path: Path) -> Iterator[subprocess.Popen]:
    process = subprocess.Popen(  # noqa: S603 - our own interpreter and command
        WORKER, env=environment(tmp_path), cwd=REPO, start_new_session=True
    )
    yield process
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()


def test_an_idle_worker_stops_on_sigterm_and_says_so(worker: subprocess.Popen) -> None:
    until(lambda: worker_beats() or worker.poll() is not None)
    assert worker_beats() == [f"{os.uname().nodename}:{worker.pid}"]
    worker.send_signal(signal.SIGTERM)
    assert worker.wait(timeout=15) == 0
    assert worker_beats() == []  # a clean stop: /readyz does not wait for it to go silent


@pytest.fixture
def queued_import(world: World, tmp_path: Path) -> Iterator[ImportRun]:
    """An import of 3,000 households (a minute's work) waiting for a worker."""
    bundle = tmp_path / "bundle"
    generate(bundle, Settings(households=3000, seed=5))
    with zipfile.ZipFile(tmp_path / "bundle.zip", "w", zipfile.ZIP_DEFLATED) as archive:
        for path in sorted(bundle.iterdir()):
            archive.write(path, path.name)
    with (tmp_path / "bundle.zip").open("rb") as handle:
        stored = services.uploads().save("stopping.zip", File(handle))
    run = ImportRun.objects.create(
        started_by=world.programme_manager, original_name="bundle.zip", stored_as=stored, size=1
    )
    import_uploaded_bundle.enqueue(run.pk)
    yield run
    if services.uploads().exists(stored):  # a failed test's: the job deletes it
        services.uploads().delete(stored)


def wait_until_importing(run: ImportRun, process: subprocess.Popen) -> None:
    def importing() -> bool:
        assert process.poll() is None, "it stopped by itself"
        run.refresh_from_db()
        progress = services.progress_of(run) or {}
        return progress.get("stage") == "Importing" and progress.get("rows", 0) > 0

    until(importing, seconds=120)


def abandoned(run: ImportRun) -> None:
    """The import was stopped part-way: nothing of it kept, the run and the job failed."""
    run.refresh_from_db()
    assert (run.status, run.error) == (ImportRun.Status.FAILED, services.INTERRUPTED)
    assert Household.objects.count() == 4  # the world's own: the import rolled back
    assert DBTaskResult.objects.get().status == "FAILED"
    assert worker_beats() == []
    assert not services.uploads().exists(run.stored_as)  # the upload is not left behind


def test_sigterm_abandons_an_import_at_once_keeping_nothing_of_it(
    queued_import: ImportRun, worker: subprocess.Popen
) -> None:
    wait_until_importing(queued_import, worker)
    worker.send_signal(signal.SIGTERM)
    worker.wait(timeout=15)  # not the minute the import would take to finish
    abandoned(queued_import)


def supervising_a_worker(tmp_path: Path) -> subprocess.Popen:
    """`pathways run`'s supervisor with only a job worker, in a process of its own."""
    supervise = (
        "import sys; from pathways.operations.supervisor import Child, Supervisor; "
        f"sys.exit(Supervisor([Child('job worker', {WORKER[3:]!r})]).run())"
    )
    return subprocess.Popen(  # noqa: S603 - our own interpreter and code
        [sys.executable, "-c", supervise], env=environment(tmp_path), cwd=REPO
    )


def the_worker(supervisor: subprocess.Popen) -> int:
    until(lambda: worker_beats() or supervisor.poll() is not None)
    [name] = worker_beats()
    return int(name.rpartition(":")[2])


@pytest.mark.parametrize("stop", [signal.SIGTERM, signal.SIGKILL], ids=["sigterm", "sigkill"])
def test_stopping_pathways_run_mid_import_stops_its_worker_and_abandons_the_import(
    queued_import: ImportRun, tmp_path: Path, stop: int
) -> None:
    """Stopped (SIGTERM), the supervisor stops its worker; killed outright (SIGKILL: no chance
    to), the kernel tells the worker its parent died. Either way no worker is left running."""
    supervisor = supervising_a_worker(tmp_path)
    try:
        pid = the_worker(supervisor)
        wait_until_importing(queued_import, supervisor)
        supervisor.send_signal(stop)
        supervisor.wait(timeout=30)
        until(lambda: not alive(pid), seconds=15)
        abandoned(queued_import)
    finally:
        if supervisor.poll() is None:
            supervisor.kill()
            supervisor.wait()


def test_a_child_that_ignores_sigterm_and_its_own_child_are_killed_after_the_grace(
    tmp_path: Path,
) -> None:
    pids = tmp_path / "pids"
    stubborn = (
        "import os, signal, subprocess, sys, time\n"
        "signal.signal(signal.SIGTERM, signal.SIG_IGN)\n"
        "grandchild = subprocess.Popen([sys.executable, '-c', 'import time; time.sleep(600)'])\n"
        f"open({str(pids)!r}, 'w').write(f'{{os.getpid()}} {{grandchild.pid}}')\n"
        "time.sleep(600)\n"
    )
    child = Child("job worker", ["-c", stubborn], command=[sys.executable])
    supervisor = Supervisor([child], grace=1.0)

    def stop_once_started() -> None:
        until(lambda: pids.exists() and len(pids.read_text().split()) == 2)
        supervisor.stopping = True

    watcher = threading.Thread(target=stop_once_started)
    watcher.start()
    started = time.monotonic()
    assert supervisor.run() == 0
    watcher.join()
    assert [alive(int(pid)) for pid in pids.read_text().split()] == [False, False]
    assert time.monotonic() - started < 30  # the grace, not the ten minutes they would sleep
