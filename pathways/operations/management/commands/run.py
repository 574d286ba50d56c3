"""`pathways run`: everything on one machine (a laptop): the web server, a job worker and the
scheduler, each started again if it dies."""

from __future__ import annotations

import logging
import sys
from typing import Any

from django.core.management.base import BaseCommand

from pathways.operations.supervisor import Child, Supervisor

logger = logging.getLogger("pathways.operations")


class Command(BaseCommand):
    help = "Serve Pathways on HOST:PORT with a job worker and the scheduler beside it."
    requires_system_checks = []

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument("--processes", type=int, default=2)
        parser.add_argument("--threads", type=int, default=8)
        parser.add_argument("--no-worker", action="store_true", help="No job worker or scheduler.")

    def handle(self, *args: Any, **options: Any) -> None:
        web = [
            "web",
            f"--host={options['host']}",
            f"--port={options['port']}",
            f"--processes={options['processes']}",
            f"--threads={options['threads']}",
        ]
        children = [Child("web server", web)]
        if not options["no_worker"]:
            children += [
                Child("job worker", ["worker", "--queue-name", "default"]),
                Child("scheduler", ["scheduler"]),
            ]
        logger.info(
            "Pathways is at http://%s:%s/ (Ctrl+C stops it)", options["host"], options["port"]
        )
        sys.exit(Supervisor(children).run())
