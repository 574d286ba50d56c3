"""`pathways budgets import FILE --programme CODE [--dry-run]`: spending from budget.csv."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from pathways.budgets.imports import import_budget_csv
from pathways.core.problems import ImportRefused
from pathways.programmes.models import Programme


class Command(BaseCommand):
    help = "Import Household Support Budget spending from budget.csv; all or nothing."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("action", choices=["import"])
        parser.add_argument("file", type=Path)
        parser.add_argument("--programme", required=True, help="The programme's code")
        parser.add_argument(
            "--dry-run", action="store_true", help="Check everything; change nothing"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        programme = Programme.objects.filter(code=options["programme"]).first()
        if programme is None:
            raise CommandError(f"There is no programme with the code {options['programme']!r}")
        path: Path = options["file"]
        if not path.is_file():
            raise CommandError(f"{path}: there is no such file")
        try:
            with path.open("rb") as stream:
                summary = import_budget_csv(
                    stream, programme=programme, actor=None, dry_run=options["dry_run"]
                )
        except ImportRefused as refused:
            raise CommandError(
                "Nothing was imported. Fix these problems:\n  "
                + "\n  ".join(str(problem) for problem in refused.problems)
            ) from None
        self.stdout.write(
            f"{summary}{' (dry run: nothing was changed)' if options['dry_run'] else ''}"
        )
