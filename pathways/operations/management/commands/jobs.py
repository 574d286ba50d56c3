"""`pathways jobs check`: enqueue a ping and wait for the worker to answer it."""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django_tasks import TaskResultStatus

from pathways.core.tasks import ping


class Command(BaseCommand):
    help = "Check that a job worker is running: `pathways jobs check [--wait SECONDS]`."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("action", choices=["check"])
        parser.add_argument("--wait", type=float, default=30.0)

    def handle(self, *args: Any, **options: Any) -> None:
        result = ping.enqueue()
        deadline = time.monotonic() + options["wait"]
        while time.monotonic() < deadline:
            result.refresh()
            if result.status == TaskResultStatus.SUCCESSFUL:
                self.stdout.write(f"The job worker answered at {result.return_value}.")
                return
            if result.status == TaskResultStatus.FAILED:
                raise CommandError("The job worker ran the check but it failed.")
            time.sleep(0.5)
        raise CommandError(
            f"No job worker answered within {options['wait']:g} seconds. Is `pathways worker` (or `pathways run`) running?"
        )
