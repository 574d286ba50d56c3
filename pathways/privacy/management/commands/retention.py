"""`pathways retention due|apply [--today DATE]`: households past their programme's retention
period, and removing their identifying data. Run `apply` daily (cron or a systemd timer); it is
safe to run again."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from pathways.privacy import retention


class Command(BaseCommand):
    help = "List or anonymise households past their programme's retention period."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("action", choices=["due", "apply"])
        parser.add_argument("--today", help="the date to count from (YYYY-MM-DD); default today")

    def handle(self, *args: Any, **options: Any) -> None:
        today = None
        if options["today"]:
            try:
                today = dt.date.fromisoformat(options["today"])
            except ValueError:
                raise CommandError(
                    f"--today {options['today']!r} is not a date like 2026-05-01"
                ) from None
        if options["action"] == "due":
            households = list(retention.due(today).select_related("programme"))
            for household in households:
                self.stdout.write(
                    f"{household.reference} ({household.programme.code}): {household.get_status_display()}"
                )
            self.stdout.write(f"{len(households)} household(s) due")
            return
        applied = retention.apply(today)
        self.stdout.write(
            f"Anonymised {len(applied.households)} household(s): {applied.fields_cleared} fields "
            f"cleared, {applied.files_deleted} receipt file(s) deleted"
        )
