"""`pathways outcomes recompute --programme CODE`: apply the measures to every household again."""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from pathways.outcomes.batches import recompute_programme
from pathways.programmes.models import Programme


class Command(BaseCommand):
    help = "Recompute every outcome of a programme from its records, a batch at a time."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("action", choices=["recompute"])
        target = parser.add_mutually_exclusive_group(required=True)
        target.add_argument("--programme", help="The programme's code")
        target.add_argument("--all", action="store_true", help="Every programme (for cron)")
        parser.add_argument("--batch", type=int, default=1000, help="Households a batch")
        parser.add_argument(
            "--workers",
            type=int,
            default=None,
            help="Processes (default: 2 on PostgreSQL, 1 on SQLite)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["batch"] < 1:
            raise CommandError("--batch must be 1 or more")
        if options["all"]:
            programmes = list(Programme.objects.order_by("code"))
        else:
            programmes = list(Programme.objects.filter(code=options["programme"]))
            if not programmes:
                raise CommandError(f"There is no programme with the code {options['programme']!r}")
        for programme in programmes:
            began = time.perf_counter()
            result = recompute_programme(
                programme, batch=options["batch"], workers=options["workers"]
            )
            self.stdout.write(
                f"{programme.code}: {result.created} created, {result.updated} updated, "
                f"{result.withdrawn} withdrawn, {result.reinstated} reinstated, "
                f"{result.unchanged} unchanged in {time.perf_counter() - began:.1f} s"
                f" ({result.processes} process{'es' if result.processes > 1 else ''})"
            )
