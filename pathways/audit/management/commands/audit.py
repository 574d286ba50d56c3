"""`pathways audit seal` (nightly, from the scheduler) and `pathways audit verify`."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from pathways.audit import sealing


class Command(BaseCommand):
    help = "Seal the audit log's new events into its hash chain, or verify the chain."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("action", choices=["seal", "verify"])

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "seal":
            self.stdout.write(f"Sealed {sealing.seal_all()} events.")
            return
        verdict = sealing.verify()
        for problem in verdict.problems:
            self.stderr.write(problem)
        if verdict.problems:
            raise CommandError(
                f"The audit log has been changed: {len(verdict.problems)} problems "
                f"in {verdict.sealed} sealed events."
            )
        self.stdout.write(
            f"The audit log is as sealed: {verdict.sealed} events; "
            f"{verdict.unsealed} newer ones not sealed yet."
        )
