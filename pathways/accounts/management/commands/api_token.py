"""`pathways api-token USERNAME [--rotate]`: the API token of a user (for a partner's system)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from rest_framework.authtoken.models import Token

from pathways.accounts.models import User
from pathways.audit import services as audit


class Command(BaseCommand):
    help = "Print a user's API token, creating it if needed; --rotate replaces it."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("username")
        parser.add_argument("--rotate", action="store_true", help="Replace the existing token.")

    @transaction.atomic
    def handle(self, *args: Any, **options: Any) -> None:
        user = User.objects.filter(username=options["username"], is_active=True).first()
        if user is None:
            raise CommandError(f"There is no active user called {options['username']!r}.")
        if not user.role:
            raise CommandError(f"{user.username} has no role, so a token would reach nothing.")
        if options["rotate"]:
            Token.objects.filter(user=user).delete()
        token, created = Token.objects.get_or_create(user=user)
        if created:
            audit.record(
                actor=None, verb="api_token.issued", target=user, target_label=user.username
            )
        self.stdout.write(token.key)
