"""`pathways run`: serve the web app (waitress) with a background-job worker beside it."""

from __future__ import annotations

import signal
import subprocess
import sys
import threading
import time
from typing import Any

from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Serve Pathways on HOST:PORT with a job worker beside it."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument("--threads", type=int, default=8)
        parser.add_argument("--no-worker", action="store_true", help="Do not start a job worker.")

    def handle(self, *args: Any, **options: Any) -> None:
        from waitress import serve

        from pathways.wsgi import application

        worker = None
        if not options["no_worker"]:
            worker = subprocess.Popen(  # noqa: S603 - our own interpreter and command
                [sys.executable, "-m", "pathways", "db_worker", "--queue-name", "default"]
            )
            self.stdout.write(f"Job worker started (process {worker.pid}).")

        if not options["no_worker"]:
            threading.Thread(target=self._nightly, daemon=True).start()

        def stop(signum: int, frame: Any) -> None:
            raise KeyboardInterrupt

        signal.signal(signal.SIGTERM, stop)
        self.stdout.write(
            f"Pathways is at http://{options['host']}:{options['port']}/ (Ctrl+C stops it)"
        )
        try:
            serve(
                application, host=options["host"], port=options["port"], threads=options["threads"]
            )
        except KeyboardInterrupt:
            pass
        finally:
            if worker is not None:
                worker.terminate()
                worker.wait(timeout=10)

    def _nightly(self) -> None:
        """Once a day, from 2 a.m., queue every programme's outcome recompute (the worker runs
        it): open spells become job and sustained outcomes as days pass. Then anonymise the
        households whose retention period has run out (idempotent: once done, nothing is due)."""
        from django.db import close_old_connections
        from django.utils import timezone

        from pathways.outcomes.tasks import queue_daily_recomputes
        from pathways.privacy import retention

        while True:
            if timezone.localtime().hour >= 2:
                for what, job in (
                    ("queue the daily recompute", queue_daily_recomputes),
                    ("apply the retention periods", retention.apply),
                ):
                    try:
                        job()
                    except Exception as error:  # noqa: BLE001 - keep serving; try again later
                        self.stderr.write(f"Could not {what}: {error}")
                    finally:
                        close_old_connections()
            time.sleep(15 * 60)
