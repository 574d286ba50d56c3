"""`pathways programmes load [FILE …]`: load programme definitions (the shipped ones by default)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from pathways.programmes import services
from pathways.programmes.definition import DefinitionError
from pathways.programmes.signals import programmes_loading


class Command(BaseCommand):
    help = "Load programme definition files (TOML); all or nothing."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("action", choices=["load"])
        parser.add_argument("files", nargs="*", type=Path, help="Default: the shipped definitions.")
        parser.add_argument("--reason", default="Loaded from a definition file")

    def handle(self, *args: Any, **options: Any) -> None:
        files = options["files"] or services.shipped_definition_files()
        problems: list[str] = []
        outcomes: list[str] = []
        try:
            with transaction.atomic():
                # What the definitions need first (the shipped instruments), by its receivers.
                for _, lines in programmes_loading.send(sender=Command):
                    outcomes += lines
                for path in files:
                    try:
                        definition = services.read_definition_file(path)
                        programme, changed = services.save_definition(
                            definition=definition, actor=None, reason=options["reason"]
                        )
                    except DefinitionError as error:
                        problems += [
                            f"{path.name}: {field}: {reason}" for field, reason in error.problems
                        ]
                        continue
                    state = f"version {programme.version}" if changed else "unchanged"
                    outcomes.append(f"{programme.code}: {state}")
                if problems:
                    raise DefinitionError([])
        except DefinitionError:
            raise CommandError(
                "Nothing was loaded. Fix these problems:\n  " + "\n  ".join(problems)
            ) from None
        for line in outcomes:
            self.stdout.write(line)
