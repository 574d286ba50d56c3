"""`pathways api-token issue|list|revoke`: API tokens for a partner's system.

A token is printed once, when issued; Pathways keeps only its hash. It expires (90 days unless
`--days` says fewer) and works only while its user keeps the role it was issued for.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from pathways.accounts import tokens
from pathways.accounts.models import User


class Command(BaseCommand):
    help = "Issue, list or revoke API tokens (a token is shown once, when issued)."

    def add_arguments(self, parser: Any) -> None:
        actions = parser.add_subparsers(dest="action", required=True, metavar="issue|list|revoke")
        issue = actions.add_parser("issue", help="Issue a new token for a user.")
        issue.add_argument("username")
        issue.add_argument("--name", required=True, help="What will use it, e.g. 'CRM sync'.")
        issue.add_argument("--days", type=int, help="How long it works (default 90).")
        listing = actions.add_parser("list", help="Tokens that still work.")
        listing.add_argument("username", nargs="?")
        revoke = actions.add_parser("revoke", help="Revoke a user's tokens.")
        revoke.add_argument("username")
        revoke.add_argument("keys", nargs="*", help="The start of each token, as `list` shows.")
        revoke.add_argument("--all", action="store_true", help="Revoke every token of the user.")

    def handle(self, *args: Any, **options: Any) -> None:
        name = options.get("username")
        user = User.objects.filter(username=name).first() if name else None
        if name and user is None:
            raise CommandError(f"There is no user called {name!r}.")
        try:
            getattr(self, f"_{options['action']}")(user, options)
        except tokens.TokenRefused as refusal:
            raise CommandError(str(refusal)) from None

    def _issue(self, user: User, options: dict[str, Any]) -> None:
        key = tokens.issue(user=user, name=options["name"], days=options["days"])
        self.stderr.write("The token is shown once; Pathways keeps only its hash:")
        self.stdout.write(key)

    def _list(self, user: User | None, options: dict[str, Any]) -> None:
        for token in tokens.tokens_of(user):
            self.stdout.write(
                f"{token.user.username}\t{token.token_key}\t{token.name}\t{token.role}\t"
                f"issued {token.created:%Y-%m-%d}\texpires {token.expiry:%Y-%m-%d}"
            )

    def _revoke(self, user: User, options: dict[str, Any]) -> None:
        if not options["keys"] and not options["all"]:
            raise CommandError("Name the tokens to revoke (their start, as `list` shows) or --all.")
        count = tokens.revoke(user=user, keys=options["keys"])
        self.stdout.write(f"Revoked {count} token{'s' if count != 1 else ''} of {user.username}.")
