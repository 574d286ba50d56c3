"""Adding users from the command line: one (`pathways users add`, which can also make the
first administrator of an empty database) or many from a CSV file (`pathways users import`).

Every user goes through the administrator's page's own form (UserForm), so the rules are the
page's: a username not yet taken, names and an e-mail address, a role, an active organisation
(with a local authority for advocates and team managers), a team of that organisation, and
programmes only for programme managers, evaluators and funders. Names stand for records here
(an organisation's and team's name, a programme's code, a role's code or label).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import transaction

from pathways.accounts import services as accounts
from pathways.accounts.models import Actor, User
from pathways.areas.models import LocalAuthority
from pathways.core.roles import Role
from pathways.organisations import services
from pathways.organisations.forms import UserForm
from pathways.organisations.models import Organisation, Team
from pathways.programmes.models import Programme

COLUMNS = ("username", "first_name", "last_name", "email", "role", "organisation", "team",
           "programmes")  # fmt: skip
REQUIRED_COLUMNS = {"username", "first_name", "last_name", "email", "role", "organisation"}


@dataclass(frozen=True)
class NewUser:
    user: User
    set_up_link: str


class UsersRefused(Exception):
    """Nothing was added; `problems` names each one ("line 3, email: …")."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("; ".join(problems))
        self.problems = problems


def role_code(text: str) -> str:
    """A role from its code (team_manager) or its label (Team manager), any case."""
    wanted = text.strip().lower().replace("-", "_")
    for code, label in Role.choices:
        if wanted in (code, label.lower(), label.lower().replace(" ", "_")):
            return code
    return text.strip()  # the form then says it is not one of the roles


def _form_data(row: dict[str, Any]) -> tuple[dict[str, Any], list[str]]:
    """The admin form's data for a row of names, and the names that stand for nothing."""
    problems = []
    data: dict[str, Any] = {
        field: (row.get(field) or "").strip()
        for field in ("username", "first_name", "last_name", "email")
    }
    data["role"] = role_code(row.get("role") or "")
    organisation = None
    if name := (row.get("organisation") or "").strip():
        organisation = Organisation.objects.filter(name__iexact=name).first()
        if organisation is None:
            problems.append(f"organisation: there is no organisation called {name!r}")
        else:
            data["organisation"] = organisation.pk
    if (team := (row.get("team") or "").strip()) and organisation is not None:
        found = Team.objects.filter(organisation=organisation, name__iexact=team).first()
        if found is None:
            problems.append(f"team: {organisation} has no team called {team!r}")
        else:
            data["team"] = found.pk
    codes = row.get("programmes") or []
    if isinstance(codes, str):
        codes = codes.replace(";", " ").replace(",", " ").split()
    programmes = {p.code: p.pk for p in Programme.objects.filter(code__in=codes)}
    problems += [
        f"programmes: there is no programme {code!r}" for code in codes if code not in programmes
    ]
    data["programmes"] = [programmes[code] for code in codes if code in programmes]
    return data, problems


def _validated(row: dict[str, Any]) -> tuple[dict[str, Any] | None, list[str]]:
    data, problems = _form_data(row)
    form = UserForm(data)
    if not form.is_valid():
        for field, errors in form.errors.items():
            if field == "organisation" and any(p.startswith("organisation:") for p in problems):
                continue  # the name was unknown: said already
            problems += [f"{field}: {error}" for error in errors]
    return (form.cleaned_data if not problems else None), problems


def _create(actor: Actor, cleaned: dict[str, Any]) -> NewUser:
    user = accounts.create_user(actor=actor, **cleaned)
    return NewUser(user, f"{settings.BASE_URL}{accounts.set_up_path(user)}")


def first_organisation(*, name: str, type: str, local_authority: str = "") -> Organisation:
    """On a database with no users yet, the first administrator's organisation, made if need be."""
    if User.objects.exists():
        raise UsersRefused(
            [
                f"organisation: there is no organisation called {name!r}; once there are users, "
                "an administrator adds organisations on the Organisations page"
            ]
        )
    if type not in Organisation.Type.values:
        raise UsersRefused(
            [f"organisation type: choose one of {', '.join(Organisation.Type.values)}"]
        )
    authority = None
    if local_authority:
        authority = LocalAuthority.objects.filter(code__iexact=local_authority).first()
        if authority is None:
            raise UsersRefused(
                [f"local authority: there is no local authority {local_authority!r}"]
            )
    return services.create_organisation(actor=None, name=name, type=type, local_authority=authority)


@transaction.atomic
def add_user(*, actor: Actor, row: dict[str, Any], organisation_type: str = "") -> NewUser:
    """One user from names; with `organisation_type`, on an empty database, their organisation
    is made first (the first administrator's). Refused with every problem, changing nothing."""
    name = (row.get("organisation") or "").strip()
    if organisation_type and name and not Organisation.objects.filter(name__iexact=name).exists():
        first_organisation(
            name=name, type=organisation_type, local_authority=row.get("local_authority", "")
        )
    cleaned, problems = _validated(row)
    if cleaned is None:
        raise UsersRefused(problems)  # and the organisation made above goes with it
    return _create(actor, cleaned)


def read_rows(text: str) -> tuple[list[tuple[int, dict[str, str]]], list[str]]:
    """The CSV's rows with their line numbers, or the problems with its header."""
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    header = [name.strip().lower() for name in reader.fieldnames or []]
    missing = sorted(REQUIRED_COLUMNS - set(header))
    unknown = sorted(set(header) - set(COLUMNS))
    problems = []
    if missing:
        problems.append(f"line 1: the file has no column {', '.join(missing)}")
    if unknown:
        problems.append(f"line 1: there is no column called {', '.join(unknown)}")
    if problems:
        return [], problems
    reader.fieldnames = header
    rows = [
        (reader.line_num, dict(row))
        for row in reader
        if any((v or "").strip() for v in row.values() if isinstance(v, str))
    ]
    return rows, []


@transaction.atomic
def import_users(*, actor: Actor, rows: Iterable[tuple[int, dict[str, str]]]) -> list[NewUser]:
    """Every row's user, or none: refused with each problem named by line."""
    problems, valid, seen = [], [], {}
    for line, row in rows:
        username = (row.get("username") or "").strip().lower()
        if username and username in seen:
            problems.append(f"line {line}, username: {username} is also on line {seen[username]}")
            continue
        seen[username] = line
        cleaned, found = _validated(row)
        problems += [f"line {line}, {problem}" for problem in found]
        if cleaned is not None:
            valid.append(cleaned)
    if not seen:
        problems.append("the file has no users in it")
    if problems:
        raise UsersRefused(problems)
    return [_create(actor, cleaned) for cleaned in valid]
