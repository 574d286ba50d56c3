"""`pathways demo-code USERNAME`: the current two-factor code of a demo user."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from pathways.accounts.models import User
from pathways.accounts.services import confirmed_totp_device, current_totp_code
from pathways.site.demo import DEMO_EMAIL_DOMAIN


class Command(BaseCommand):
    help = "Print a demo user's current two-factor code (demo users only)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("username")

    def handle(self, *args: Any, **options: Any) -> None:
        user = User.objects.filter(username=options["username"]).first()
        if user is None:
            raise CommandError(f"There is no user called {options['username']!r}.")
        if not user.email.endswith(f"@{DEMO_EMAIL_DOMAIN}"):
            raise CommandError("Codes are shown only for demo users.")
        device = confirmed_totp_device(user)
        if device is None:
            raise CommandError(f"{user.username} has not set up two-factor sign-in.")
        self.stdout.write(current_totp_code(device))
