"""`pathways backup`: back up the database and private files into one file, and check it.

    pathways backup [--to FILE] [--encrypt-to KEY] [--keep N]
                                     make a compressed backup (default
                                     var/backups/pathways-DATE-TIME.tar.gz), encrypted to a
                                     GnuPG public key, keeping the newest N in its folder
    pathways backup --check FILE     the restore drill: restore FILE into a scratch database
                                     and compare it with its manifest; the live one is untouched

SQLite is copied with its online backup API, PostgreSQL with pg_dump. Each backup is checked as
it is made; run `--check` on a schedule, on another machine if you can.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from pathways.audit import services as audit
from pathways.audit.verbs import Verb
from pathways.operations import backup


def describe(outcome: backup.Outcome) -> str:
    snap = outcome.manifest["snapshot"]
    rows = sum(snap["tables"].values())
    return (
        f"{rows:,} rows in {len(snap['tables'])} tables, {snap['audit_events']:,} audit events, "
        f"{len(snap['ledger_totals']):,} household ledger totals"
    )


class Command(BaseCommand):
    help = "Back up the database and private files, or check a backup by restoring it aside."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--to", type=Path, help="where to write the backup (a new file)")
        parser.add_argument(
            "--check", type=Path, metavar="FILE", help="restore FILE aside and compare"
        )
        parser.add_argument(
            "--encrypt-to",
            default="",
            metavar="KEY",
            help="encrypt to this GnuPG key (its id or e-mail; its public key in the keyring)",
        )
        parser.add_argument(
            "--keep", type=int, metavar="N", help="then delete all but the newest N backups"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            if options["check"]:
                outcome = backup.check(options["check"])
            else:
                if options["keep"] is not None and options["keep"] < 1:
                    raise CommandError("--keep must be 1 or more (the backup just made)")
                outcome = backup.make(options["to"], encrypt_to=options["encrypt_to"])
        except backup.BackupError as error:
            raise CommandError(str(error)) from None
        if options["check"]:
            audit.record(
                actor=None,
                verb=Verb.BACKUP_CHECKED,
                target_label=str(outcome.path)[:200],
                data={"differences": len(outcome.differences)},
            )
            if outcome.differences:
                raise CommandError(
                    "The backup does not restore to what it says it holds:\n  "
                    + "\n  ".join(outcome.differences)
                )
            self.stdout.write(
                f"{outcome.path}: restores cleanly, made {outcome.manifest['made_at']}: "
                f"{describe(outcome)} match its manifest"
            )
            return
        audit.record(
            actor=None, verb=Verb.BACKUP_MADE, target_label=str(outcome.path)[:200], data={}
        )
        size = outcome.path.stat().st_size
        self.stdout.write(f"Backed up to {outcome.path} ({size:,} bytes): {describe(outcome)}")
        if options["keep"]:
            for old in backup.rotate(outcome.path.parent, options["keep"]):
                self.stdout.write(f"Deleted the older backup {old.name}")
