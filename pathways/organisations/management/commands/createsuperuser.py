"""Django's `createsuperuser`, refused: its users have no role or organisation, so every page
would refuse them. Pathways' first administrator comes from `pathways users add`."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError


class Command(BaseCommand):
    help = "Not used in Pathways: see `pathways users add`."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("args", nargs="*")
        parser.add_argument("--username", "--email", "--database", dest="ignored")
        parser.add_argument("--noinput", "--no-input", action="store_true")

    def handle(self, *args: Any, **options: Any) -> None:
        raise CommandError(
            "Pathways users need a role and an organisation, which createsuperuser cannot give. "
            "Make the first administrator with:\n"
            "  pathways users add USERNAME --role administrator --organisation NAME "
            "--organisation-type local_authority --first-name F --last-name L --email E\n"
            "and open the set-up link it prints."
        )
