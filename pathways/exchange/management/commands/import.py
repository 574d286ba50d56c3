"""`pathways import BUNDLE [--dry-run]`: import an exchange bundle (a folder or a .zip)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from pathways.exchange.importer import import_bundle
from pathways.exchange.problems import ImportRefused


class Command(BaseCommand):
    help = "Import a programme bundle; all or nothing, every problem listed."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("bundle", type=Path, help="A folder or .zip of the exchange format")
        parser.add_argument(
            "--dry-run", action="store_true", help="Check everything; change nothing"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            summary = import_bundle(options["bundle"], dry_run=options["dry_run"])
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
