"""/readyz says why Pathways is not ready; the nightly jobs run once a day whoever runs them;
`pathways run` starts a dead process again."""

from __future__ import annotations

import datetime as dt
import re
import sys
import threading
import time
from pathlib import Path

import pytest
import time_machine
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.utils import timezone

from pathways.audit.models import AuditSeal
from pathways.operations import health, schedule, services
from pathways.operations.heartbeat import Heartbeat
from pathways.operations.models import ProcessBeat, ScheduledRun
from pathways.operations.supervisor import Child, Supervisor

pytestmark = pytest.mark.django_db


def readyz() -> tuple[int, dict]:
    response = Client().get("/readyz")
    assert response["Cache-Control"].startswith("max-age=0")
    return response.status_code, response.json()


def worker_seen(seconds_ago: float) -> None:
    now = timezone.now()
    ProcessBeat.objects.create(
        kind=ProcessBeat.Kind.WORKER,
        name="app-1:4242",
        started_at=now - dt.timedelta(hours=1),
        seen_at=now - dt.timedelta(seconds=seconds_ago),
    )


def test_ready_when_the_database_is_migrated_and_a_worker_reported_lately() -> None:
    worker_seen(seconds_ago=5)
    status, body = readyz()
    assert status == 200 and body["status"] == "ready" and body["reasons"] == []
    # The request itself takes time: 5 seconds, or a little more on a busy machine.
    assert re.fullmatch(
        r"app-1:4242 reported [5-9] seconds ago", body["checks"]["job worker"]["detail"]
    )


def test_not_ready_without_a_worker_or_with_a_silent_one(settings) -> None:
    status, body = readyz()
    assert status == 503
    assert body["reasons"] == ["job worker: no job worker has reported: start pathways worker"]
    worker_seen(seconds_ago=settings.WORKER_SILENT_SECONDS + 30)
    status, body = readyz()
    assert status == 503
    # The request itself takes time: the age read is 150 seconds or a little more.
    said = re.search(
        r"no job worker has reported for (\d+) seconds \(more than 120\)", body["reasons"][0]
    )
    assert said and 150 <= int(said[1]) <= 160, body["reasons"]


def test_not_ready_with_a_migration_not_applied(monkeypatch) -> None:
    worker_seen(seconds_ago=1)
    on_disk, replaces = health._migrations_on_disk()
    newer = on_disk | {("outcomes", "0099_from_the_next_release")}
    monkeypatch.setattr(health, "_migrations_on_disk", lambda: (newer, replaces))
    status, body = readyz()
    assert status == 503
    assert body["reasons"] == [
        "migrations: 1 not applied (outcomes.0099_from_the_next_release): run pathways migrate"
    ]


def test_not_ready_when_static_files_are_served_collected_but_were_not(
    settings, tmp_path: Path
) -> None:
    worker_seen(seconds_ago=1)
    settings.STATIC_FROM_FINDERS = False
    settings.STATIC_ROOT = tmp_path
    settings.STORAGES = settings.STORAGES | {
        "staticfiles": {"BACKEND": "pathways.core.staticfiles.HashedStaticFiles"}
    }
    status, body = readyz()
    assert status == 503
    assert body["reasons"] == ["static files: not collected: run pathways collectstatic --no-input"]


def test_a_heartbeat_says_alive_and_a_clean_stop_says_gone(transactional_db) -> None:
    heartbeat = Heartbeat(ProcessBeat.Kind.WORKER, every=0.05).start()
    [beat] = ProcessBeat.objects.all()
    first = beat.seen_at
    time.sleep(0.3)
    beat.refresh_from_db()
    assert beat.seen_at > first and beat.name == services.process_name()
    heartbeat.stop()
    assert not ProcessBeat.objects.exists()


def test_a_process_gone_for_a_week_is_forgotten() -> None:
    worker_seen(seconds_ago=8 * 24 * 3600)
    services.beat(kind="worker", name="app-2:1", started_at=timezone.now())
    assert list(ProcessBeat.objects.values_list("name", flat=True)) == ["app-2:1"]


LONDON = dt.timezone(dt.timedelta(0))


def test_each_nightly_job_runs_once_a_day_after_its_time() -> None:
    done: list[str] = []
    jobs = (
        schedule.Job("early", dt.time(2, 0), lambda: done.append("early") or "did early"),
        schedule.Job("late", dt.time(2, 30), lambda: done.append("late") or "did late"),
    )
    day = dt.datetime(2026, 12, 4, 1, 59, tzinfo=LONDON)
    assert schedule.run_due(day, jobs) == []
    assert [r.job for r in schedule.run_due(day.replace(hour=2, minute=10), jobs)] == ["early"]
    assert schedule.run_due(day.replace(hour=2, minute=20), jobs) == []
    runs = schedule.run_due(day.replace(hour=9), jobs)  # started late: still runs today's
    assert [(r.job, r.outcome) for r in runs] == [("late", "did late")]
    assert schedule.run_due(day.replace(hour=23), jobs) == []
    assert done == ["early", "late"]
    assert len(schedule.run_due(day + dt.timedelta(days=1, hours=1), jobs)) == 2


def test_two_schedulers_at_once_run_a_job_once(transactional_db) -> None:
    ran: list[int] = []
    job = schedule.Job("once", dt.time(0, 0), lambda: ran.append(1) or "ran")
    barrier = threading.Barrier(4)

    def scheduler() -> None:
        from django.db import connection

        barrier.wait()
        try:
            schedule.run_due(jobs=(job,))
        finally:
            connection.close()

    threads = [threading.Thread(target=scheduler) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert ran == [1]
    assert ScheduledRun.objects.get().outcome == "ran"


def test_a_failing_job_is_recorded_and_does_not_stop_the_others() -> None:
    def broken() -> str:
        raise RuntimeError("no disk")

    jobs = (
        schedule.Job("broken", dt.time(0, 0), broken),
        schedule.Job("fine", dt.time(0, 0), lambda: "fine"),
    )
    runs = schedule.run_due(jobs=jobs)
    assert [(r.job, r.outcome) for r in runs] == [
        ("broken", "failed: RuntimeError: no disk"),
        ("fine", "fine"),
    ]
    assert all(r.finished_at for r in runs)


@time_machine.travel(dt.datetime(2026, 12, 5, 3, 0, tzinfo=LONDON), tick=False)
def test_the_shipped_jobs_queue_the_recompute_apply_retention_and_seal_the_audit_log(
    world,
) -> None:
    runs = schedule.run_due()
    assert [r.job for r in runs] == ["outcomes.daily_recompute", "privacy.retention", "audit.seal"]
    assert runs[0].outcome == "queued the recompute of 3 programmes"
    assert runs[1].outcome == "anonymised 0 households"
    sealed = AuditSeal.objects.count()
    assert sealed > 0 and runs[2].outcome == f"sealed {sealed} audit events"


def test_run_starts_a_dead_process_again_and_gives_up_on_a_web_server_that_cannot_start(
    tmp_path: Path,
) -> None:
    """Real processes: a 'worker' that dies at once is started again each time; a 'web
    server' that dies at once five times running stops everything."""
    starts = tmp_path / "starts"
    dies = ["-c", f"open({str(starts)!r}, 'a').write('x'); import sys; sys.exit(3)"]
    sleeps = ["-c", "import time; time.sleep(60)"]
    web = Child("web server", ["-c", "import time; time.sleep(0.6); raise SystemExit(1)"])
    web.command = [sys.executable]
    worker = Child("job worker", dies, command=[sys.executable])
    steady = Child("scheduler", sleeps, command=[sys.executable])
    started = time.monotonic()
    assert Supervisor([web, worker, steady], first_pause=0.01).run() == 1
    assert len(starts.read_text()) >= 3  # started again after each death
    assert steady.process.poll() is not None  # and stopped with the rest
    assert time.monotonic() - started < 30


def test_status_says_whether_the_apps_role_could_rewrite_the_audit_log(capsys) -> None:
    worker_seen(seconds_ago=1)
    call_command("status")  # ready: the scheduler and the audit log are said, not required
    said = capsys.readouterr().out
    if connection.vendor == "postgresql":
        # The suite connects as the tables' owner, as a deployment without two roles would.
        assert "NOT audit log: the app's database role owns the tables" in said
    else:
        assert "ok  audit log: append-only by trigger" in said
