"""`pathways worker`: runs queued jobs (imports, recomputes), telling /readyz it is alive.

django-tasks' database worker, with two changes, so that SIGTERM (how systemd, compose and
`pathways run` stop a process) stops it at once:

- Its own SIGTERM handler only asks the current job to finish, and a job (an import) can run
  for many minutes: a service manager waiting to stop it gives up, and kills it or leaves it.
  Here SIGTERM abandons the job at once: SystemExit is raised inside it, so its transaction
  rolls back (an import is all or nothing), the library records the job as failed, and the
  process ends. SIGINT (Ctrl+C) keeps the library's meaning: finish the job; twice, stop now.
- The library reloads on code changes when DEBUG is on, by running the worker in a child
  process that a SIGTERM to this one never reaches (so it was left running). A worker here
  never reloads.
"""

from __future__ import annotations

import signal
from types import FrameType
from typing import Any

from django.core.management.base import CommandError
from django_tasks_db.management.commands.db_worker import Command as DatabaseWorker
from django_tasks_db.management.commands.db_worker import Worker

from pathways.operations.heartbeat import Heartbeat
from pathways.operations.models import ProcessBeat


class StoppingWorker(Worker):
    """The library's worker, which SIGTERM stops now, abandoning the job it is running."""

    def shutdown(self, signum: int, frame: FrameType | None) -> None:
        if signum != signal.SIGTERM:
            super().shutdown(signum, frame)
            return
        self.running = False
        self.reset_signals()  # a second SIGTERM ends the process without ceremony
        raise SystemExit(0)


class Command(DatabaseWorker):
    help = "Run queued background jobs (django-tasks' database worker, with a heartbeat)."

    def add_arguments(self, parser: Any) -> None:
        super().add_arguments(parser)
        parser.set_defaults(reload=False)

    def handle(
        self,
        *,
        verbosity: int,
        queue_name: str,
        interval: float,
        batch: bool,
        backend_name: str,
        startup_delay: bool,
        reload: bool,
        max_tasks: int | None,
        worker_id: str,
        exclude_queues: str,
        **options: Any,
    ) -> None:
        if reload:
            raise CommandError("pathways worker does not reload: start it again instead")
        self.configure_logging(verbosity)
        queue_names = queue_name.split(",")
        excluded = exclude_queues.split(",") if exclude_queues else []
        if excluded and "*" not in queue_names:
            raise CommandError("--exclude-queues can only be used with --queue-name=*")
        worker = StoppingWorker(
            queue_names=queue_names,
            interval=interval,
            batch=batch,
            backend_name=backend_name,
            startup_delay=startup_delay,
            max_tasks=max_tasks,
            worker_id=worker_id,
            excluded_queue_names=excluded,
        )
        worker.configure_signals()  # before the heartbeat: /readyz sees no worker deaf to SIGTERM
        heartbeat = Heartbeat(ProcessBeat.Kind.WORKER)
        try:
            heartbeat.start()
            worker.run()
        finally:
            heartbeat.stop()
