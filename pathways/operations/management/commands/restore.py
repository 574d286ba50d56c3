"""`pathways restore FILE --yes`: replace the database and private files with a backup's.

Everything written since the backup is lost, so it asks for --yes. After restoring, what the
database holds is compared with the backup's manifest (every table's rows, every household's
ledger totals, the audit events); any difference is reported and the command fails.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from pathways.audit import services as audit
from pathways.audit.verbs import Verb
from pathways.operations import backup
from pathways.operations.management.commands.backup import describe


class Command(BaseCommand):
    help = "Restore the database and private files from a backup made by `pathways backup`."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("file", type=Path)
        parser.add_argument(
            "--yes",
            action="store_true",
            help="confirm: everything written since the backup was made is replaced",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if not options["yes"]:
            raise CommandError(
                "Restoring replaces the whole database and every private file with the "
                "backup's; whatever was written since is lost. Run again with --yes to go ahead."
            )
        try:
            outcome = backup.restore(options["file"])
        except backup.BackupError as error:
            raise CommandError(str(error)) from None
        if outcome.differences:
            raise CommandError(
                "Restored, but the database does not match the backup's manifest:\n  "
                + "\n  ".join(outcome.differences)
            )
        # Audited after the comparison, so the restored count is the backup's own.
        audit.record(
            actor=None,
            verb=Verb.BACKUP_RESTORED,
            target_label=str(outcome.path)[:200],
            data={"made_at": outcome.manifest["made_at"]},
        )
        self.stdout.write(
            f"Restored {outcome.path} (made {outcome.manifest['made_at']}): "
            f"{describe(outcome)}, all as the manifest says"
        )
