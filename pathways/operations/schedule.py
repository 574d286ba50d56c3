"""The nightly jobs, run by one scheduler (`pathways scheduler`), not by every web process.

Each job runs once a day, after its time, Europe/London. Claiming the day's run is a row with a
unique (job, day), so a second scheduler (one on each app machine) skips what the first has
claimed, and a scheduler started late still runs what is due that day.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from dataclasses import dataclass

from django.utils import timezone

from pathways.audit import sealing
from pathways.operations import services
from pathways.operations.models import ScheduledRun
from pathways.outcomes.tasks import queue_daily_recomputes
from pathways.privacy import retention

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Job:
    name: str
    at: dt.time
    run: Callable[[], str]  # does the work; says what it did


def _recompute_outcomes() -> str:
    """Open spells become job and sustained outcomes as days pass (the worker recomputes)."""
    return f"queued the recompute of {queue_daily_recomputes()} programmes"


def _apply_retention() -> str:
    """Anonymise the households whose retention period has run out (idempotent)."""
    applied = retention.apply()
    return f"anonymised {len(applied.households)} households"


def _seal_audit_log() -> str:
    """Seal the day's audit events into the log's hash chain (audit/sealing.py)."""
    return f"sealed {sealing.seal_all()} audit events"


JOBS = (
    Job("outcomes.daily_recompute", dt.time(2, 0), _recompute_outcomes),
    Job("privacy.retention", dt.time(2, 30), _apply_retention),
    Job("audit.seal", dt.time(2, 45), _seal_audit_log),
)


def run_due(now: dt.datetime | None = None, jobs: tuple[Job, ...] = JOBS) -> list[ScheduledRun]:
    """Run each job that is due today and that no scheduler has claimed; the runs made."""
    local = timezone.localtime(now)
    runs = []
    for job in jobs:
        if local.time() < job.at:
            continue
        run = services.claim_run(job=job.name, on=local.date())
        if run is None:
            continue
        try:
            outcome = job.run()
        except Exception as error:  # noqa: BLE001 - recorded and logged; tomorrow tries again
            logger.exception("The scheduled job %s failed", job.name)
            outcome = f"failed: {type(error).__name__}: {error}"
        else:
            logger.info("The scheduled job %s ran: %s", job.name, outcome)
        runs.append(services.finish_run(run, outcome=outcome))
    return runs
