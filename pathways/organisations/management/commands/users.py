"""`pathways users add|import|disable|enable`: users from the command line, each with a one-time set-up link.

    pathways users add USERNAME --role ROLE --organisation NAME --first-name F --last-name L \\
        --email E [--team NAME] [--programme CODE …] [--organisation-type TYPE]
    pathways users import users.csv
    pathways users disable USERNAME    (signs them out everywhere and ends their API tokens)
    pathways users enable USERNAME

On an empty database, `add` with --organisation-type makes the first administrator and their
organisation. `import` adds every row of the file or none, naming each problem by line.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from pathways.accounts import services as accounts
from pathways.accounts.models import User
from pathways.core.roles import Role
from pathways.organisations import staff
from pathways.organisations.models import Organisation


class Command(BaseCommand):
    help = "Add users and print their set-up links, or disable or enable one: `pathways users …`."

    def add_arguments(self, parser: Any) -> None:
        actions = parser.add_subparsers(dest="action", required=True)
        add = actions.add_parser("add", help="add one user")
        add.add_argument("username")
        add.add_argument("--role", required=True, help=", ".join(Role.values))
        add.add_argument("--organisation", default="", help="the organisation's name")
        add.add_argument(
            "--organisation-type",
            default="",
            help="on an empty database: make the organisation, of this type "
            f"({', '.join(Organisation.Type.values)})",
        )
        add.add_argument("--local-authority", default="", help="with --organisation-type: code")
        add.add_argument("--team", default="")
        add.add_argument("--first-name", default="")
        add.add_argument("--last-name", default="")
        add.add_argument("--email", default="")
        add.add_argument("--programme", action="append", default=[], help="a programme's code")
        upload = actions.add_parser("import", help="add every user in a CSV file, or none")
        upload.add_argument("file", help=f"a CSV with the columns {', '.join(staff.COLUMNS)}")
        for action, what in (
            ("disable", "disable a user, signing them out everywhere"),
            ("enable", "enable a disabled user again"),
        ):
            actions.add_parser(action, help=what).add_argument("username")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] in ("disable", "enable"):
            self._set_active(options["username"], active=options["action"] == "enable")
            return
        try:
            if options["action"] == "add":
                added = [self._add(options)]
            else:
                added = staff.import_users(actor=None, rows=self._rows(options["file"]))
        except staff.UsersRefused as refused:
            raise CommandError(
                "Nothing was added:\n- " + "\n- ".join(self._hinted(refused.problems))
            ) from None
        for new in added:
            self.stdout.write(f"{new.user.username} ({new.user.role_label}): {new.set_up_link}")
        self.stdout.write(
            f"Added {len(added)} user{'s' if len(added) != 1 else ''}. Each link works once, for "
            "the days PATHWAYS_SET_UP_LINK_DAYS says; give it to its user by a safe route."
        )

    def _set_active(self, username: str, *, active: bool) -> None:
        user = User.objects.filter(username__iexact=username.strip()).first()
        if user is None:
            raise CommandError(f"There is no user called {username!r}; nothing was changed.")
        accounts.set_user_active(user=user, active=active, actor=None)
        if active:
            self.stdout.write(f"{user.username} is enabled; they sign in again to continue.")
        else:
            self.stdout.write(f"{user.username} is disabled and signed out everywhere.")

    def _add(self, options: dict[str, Any]) -> staff.NewUser:
        row = {
            "username": options["username"],
            "role": options["role"],
            "organisation": options["organisation"],
            "team": options["team"],
            "first_name": options["first_name"],
            "last_name": options["last_name"],
            "email": options["email"],
            "programmes": options["programme"],
            "local_authority": options["local_authority"],
        }
        return staff.add_user(actor=None, row=row, organisation_type=options["organisation_type"])

    def _rows(self, name: str) -> list[tuple[int, dict[str, str]]]:
        try:
            text = Path(name).read_text(encoding="utf-8-sig")
        except (OSError, UnicodeDecodeError) as error:
            raise CommandError(f"Cannot read {name}: {error}") from None
        rows, problems = staff.read_rows(text)
        if problems:
            raise staff.UsersRefused(problems)
        return rows

    @staticmethod
    def _hinted(problems: list[str]) -> list[str]:
        """Name the option that sets each field, and say how to start on an empty database."""
        options = {"first_name:": "--first-name", "last_name:": "--last-name", "email:": "--email"}
        hinted = []
        for problem in problems:
            for field, option in options.items():
                if problem.startswith(field):
                    problem = problem.replace(field, f"{field[:-1]} ({option}):", 1)
            hinted.append(problem)
        if not User.objects.exists() and any("no organisation called" in p for p in problems):
            hinted.append(
                "On an empty database, add --organisation-type (for example local_authority) "
                "to make the first administrator's organisation too"
            )
        return hinted
