"""`pathways demo`: create the demo organisations, users and programmes, and print the logins."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from pathways.site.demo import DEMO_PASSWORD, GENERATED, DemoRefused, create_demo


class Command(BaseCommand):
    help = "Create the demo world (invented data only) and print the demo logins."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument(
            "--generated",
            type=int,
            default=GENERATED,
            help=f"Households of the synthetic programme to add (default {GENERATED}; 0: none)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["generated"] < 0:
            raise CommandError("--generated must be 0 or more")
        try:
            accounts = create_demo(generated=options["generated"])
        except DemoRefused as error:
            raise CommandError(str(error)) from None
        self.stdout.write("")
        self.stdout.write(f"Demo logins (password for all: {DEMO_PASSWORD})")
        self.stdout.write("")
        self.stdout.write(f"  {'username':<20} {'role':<22} {'organisation':<42} authenticator key")
        for user, secret in accounts:
            self.stdout.write(
                f"  {user.username:<20} {user.role_label:<22} {str(user.organisation):<42} {secret}"
            )
        self.stdout.write("")
        self.stdout.write(
            "Two-factor: add a user's key to an authenticator app, or print the current code with\n"
            "  .venv/bin/pathways demo-code USERNAME"
        )
