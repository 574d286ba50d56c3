"""Writing what the processes report: heartbeats, and claiming a day's run of a job."""

from __future__ import annotations

import datetime as dt
import os
import socket

from django.db import IntegrityError, transaction
from django.utils import timezone

from pathways.operations.models import ProcessBeat, ScheduledRun

FORGET_AFTER = dt.timedelta(days=7)  # a process not heard from for a week has gone for good


def process_name() -> str:
    """This process, as the operator would find it: host name and process id."""
    return f"{socket.gethostname()}:{os.getpid()}"[:200]


def beat(*, kind: str, name: str, started_at: dt.datetime) -> None:
    """Record that the process `name` is alive now."""
    now = timezone.now()
    ProcessBeat.objects.update_or_create(
        name=name, defaults={"kind": kind, "started_at": started_at, "seen_at": now}
    )
    ProcessBeat.objects.filter(seen_at__lt=now - FORGET_AFTER).delete()


def stopped(*, name: str) -> None:
    """A process that stops cleanly says so, so the next check does not wait for it."""
    ProcessBeat.objects.filter(name=name).delete()


def claim_run(*, job: str, on: dt.date) -> ScheduledRun | None:
    """The day's run of `job`, if this caller is the first to claim it; else None."""
    try:
        with transaction.atomic():
            return ScheduledRun.objects.create(job=job, on=on, started_at=timezone.now())
    except IntegrityError:
        return None


def finish_run(run: ScheduledRun, *, outcome: str) -> ScheduledRun:
    run.finished_at = timezone.now()
    run.outcome = outcome[:2000]
    run.save(update_fields=["finished_at", "outcome"])
    return run
