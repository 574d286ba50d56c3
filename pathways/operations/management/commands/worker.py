"""`pathways worker`: runs queued jobs (imports, recomputes), telling /readyz it is alive."""

from __future__ import annotations

from typing import Any

from django_tasks_db.management.commands.db_worker import Command as DatabaseWorker

from pathways.operations.heartbeat import Heartbeat
from pathways.operations.models import ProcessBeat


class Command(DatabaseWorker):
    help = "Run queued background jobs (django-tasks' database worker, with a heartbeat)."

    def handle(self, *args: Any, **options: Any) -> None:
        heartbeat = Heartbeat(ProcessBeat.Kind.WORKER).start()
        try:
            super().handle(*args, **options)
        finally:
            heartbeat.stop()
