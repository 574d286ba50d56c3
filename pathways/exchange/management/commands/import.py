"""`pathways import BUNDLE [--dry-run]`: import an exchange bundle (a folder or a .zip).

Each run is recorded (an ImportRun, shown on the Exchange page) before it starts. The import
writes in one transaction: if the process is killed part-way, the database keeps nothing of it,
and the next import (or job) marks the run as failed.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from pathways.core.problems import ImportRefused
from pathways.exchange import services
from pathways.exchange.models import ImportRun


def _size(path: Path) -> int:
    if path.is_dir():
        return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())
    return path.stat().st_size if path.exists() else 0


class Command(BaseCommand):
    help = "Import a programme bundle; all or nothing, every problem listed."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("bundle", type=Path, help="A folder or .zip of the exchange format")
        parser.add_argument(
            "--dry-run", action="store_true", help="Check everything; change nothing"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        for failed in services.mark_interrupted():
            self.stderr.write(
                f"An earlier import of {failed.original_name} had stopped: {failed.error}"
            )
        bundle: Path = options["bundle"]
        run = ImportRun.objects.create(
            started_by=None,
            original_name=bundle.name[:200],
            stored_as="",
            size=_size(bundle),
            dry_run=options["dry_run"],
        )
        try:
            summary = services.carry_out(run, bundle, programmes=None)
        except ImportRefused as refused:
            raise CommandError(
                "Nothing was imported. Fix these problems:\n  "
                + "\n  ".join(str(problem) for problem in refused.problems)
            ) from None
        for line in summary.lines():
            self.stdout.write(line)
        note = " (dry run: nothing was changed)" if options["dry_run"] else ""
        self.stdout.write(
            f"{summary.rows:,} rows in {summary.seconds:.1f} s "
            f"({summary.rows / max(summary.seconds, 0.001):,.0f} rows a second){note}"
        )
