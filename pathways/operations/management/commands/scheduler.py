"""`pathways scheduler`: runs the nightly jobs once a day (pathways/operations/schedule.py)."""

from __future__ import annotations

import logging
import signal
import threading
from typing import Any

from django.core.management.base import BaseCommand
from django.db import DatabaseError, close_old_connections

from pathways.operations import schedule
from pathways.operations.heartbeat import Heartbeat
from pathways.operations.models import ProcessBeat

logger = logging.getLogger("pathways.operations")


class Command(BaseCommand):
    help = "Run the nightly jobs when they are due: `pathways scheduler [--once]`."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument(
            "--once", action="store_true", help="run what is due now, then stop (for cron)"
        )
        parser.add_argument("--every", type=float, default=60.0, help="seconds between looks")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["once"]:
            self._report(schedule.run_due())
            return
        stopping = threading.Event()
        for signum in (signal.SIGTERM, signal.SIGINT):
            signal.signal(signum, lambda *_: stopping.set())
        heartbeat = Heartbeat(ProcessBeat.Kind.SCHEDULER).start()
        logger.info("The scheduler is running (Ctrl+C stops it)")
        try:
            while not stopping.is_set():
                try:
                    schedule.run_due()  # each run is logged
                except DatabaseError as error:  # the database is away: look again later
                    logger.warning("Could not look at the schedule: %s", error)
                finally:
                    close_old_connections()
                stopping.wait(options["every"])
        finally:
            heartbeat.stop()

    def _report(self, runs: list[Any]) -> None:
        for run in runs:
            self.stdout.write(f"{run.job}: {run.outcome}")
