"""The demo: organisations for the six LCR authorities, users of every role, three programmes.

Everything here is invented. Re-running it changes nothing that exists already.
"""

from __future__ import annotations

import base64
import datetime as dt
from dataclasses import dataclass

from django.db import transaction
from django_otp.plugins.otp_totp.models import TOTPDevice

from pathways.accounts.models import Role, User
from pathways.areas.services import ensure_liverpool_city_region
from pathways.households.models import Household
from pathways.households.services import create_household
from pathways.organisations.models import Organisation, Team
from pathways.programmes import services as programme_services
from pathways.programmes.models import Programme

# Demo only: `pathways demo` refuses a database that has users who are not demo users.
DEMO_PASSWORD = "pathways-demo-2026"  # noqa: S105
DEMO_EMAIL_DOMAIN = "demo.pathways.invalid"  # .invalid can never be a real address (RFC 2606)


class DemoRefused(Exception):
    """The database holds users who are not demo users."""


@dataclass(frozen=True)
class DemoUser:
    username: str
    first_name: str
    last_name: str
    role: str
    organisation: str
    team: str = ""
    programmes: tuple[str, ...] = ()


COUNCIL = "{} Council"
CA = "Liverpool City Region Combined Authority"
DEMO_USERS = [
    DemoUser(
        "advocate-knowsley",
        "Kay",
        "Advocate",
        Role.ADVOCATE,
        COUNCIL.format("Knowsley"),
        "Employment Advocates",
    ),
    DemoUser(
        "manager-knowsley",
        "Kim",
        "Manager",
        Role.TEAM_MANAGER,
        COUNCIL.format("Knowsley"),
        "Employment Advocates",
    ),
    DemoUser(
        "advocate-liverpool",
        "Lee",
        "Advocate",
        Role.ADVOCATE,
        COUNCIL.format("Liverpool"),
        "Employment Advocates",
    ),
    DemoUser(
        "manager-liverpool",
        "Lou",
        "Manager",
        Role.TEAM_MANAGER,
        COUNCIL.format("Liverpool"),
        "Employment Advocates",
    ),
    DemoUser(
        "programme-manager",
        "Pat",
        "Programme",
        Role.PROGRAMME_MANAGER,
        CA,
        "Programme team",
        ("households-into-work", "streets-ahead-plus", "win"),
    ),
    DemoUser(
        "evaluator",
        "Eve",
        "Evaluator",
        Role.EVALUATOR,
        "Demo Evaluation Partners",
        "",
        ("households-into-work",),
    ),
    DemoUser(
        "funder",
        "Fin",
        "Funder",
        Role.FUNDER,
        "Department for Work and Pensions",
        "",
        ("households-into-work",),
    ),
    DemoUser("administrator", "Ada", "Administrator", Role.ADMINISTRATOR, CA, "Programme team"),
]

# Invented households: (advocate username, reference, [(given, family, role, date of birth)])
DEMO_HOUSEHOLDS = [
    (
        "advocate-knowsley",
        "KNO-0001",
        [("Alex", "Example", "primary", "1984-03-02"), ("Sam", "Example", "partner", "1986-07-19")],
    ),
    (
        "advocate-knowsley",
        "KNO-0002",
        [("Jo", "Sample", "primary", "1979-11-23"), ("Chris", "Sample", "adult", "2001-05-04")],
    ),
    (
        "advocate-knowsley",
        "KNO-0003",
        [
            ("Robin", "Placeholder", "primary", "1990-01-15"),
            ("Ash", "Placeholder", "partner", "1991-09-30"),
        ],
    ),
    (
        "advocate-liverpool",
        "LIV-0001",
        [
            ("Morgan", "Fictional", "primary", "1975-06-11"),
            ("Casey", "Fictional", "partner", "1977-02-27"),
        ],
    ),
    (
        "advocate-liverpool",
        "LIV-0002",
        [("Taylor", "Madeup", "primary", "1988-12-05"), ("Jamie", "Madeup", "adult", "2003-08-14")],
    ),
]


def totp_secret(device: TOTPDevice) -> str:
    return base64.b32encode(device.bin_key).decode().rstrip("=")


@transaction.atomic
def create_demo() -> list[tuple[User, str]]:
    """Create (or find) the demo world; return each demo user with their TOTP secret."""
    real = User.objects.exclude(email__endswith=f"@{DEMO_EMAIL_DOMAIN}")
    if real.exists():
        raise DemoRefused(
            "This database has users who are not demo users, so the demo will not add "
            "accounts with a published password to it. Use an empty database for the demo."
        )
    authorities = ensure_liverpool_city_region()
    for path in programme_services.shipped_definition_files():
        programme_services.save_definition(
            definition=programme_services.read_definition_file(path),
            actor=None,
            reason="Loaded by pathways demo",
        )
    for la in authorities:
        council, _ = Organisation.objects.get_or_create(
            name=COUNCIL.format(la.name),
            defaults={"type": Organisation.Type.LOCAL_AUTHORITY, "local_authority": la},
        )
        Team.objects.get_or_create(organisation=council, name="Employment Advocates")
    Organisation.objects.get_or_create(
        name=CA, defaults={"type": Organisation.Type.COMBINED_AUTHORITY}
    )
    Organisation.objects.get_or_create(
        name="Department for Work and Pensions", defaults={"type": Organisation.Type.FUNDER}
    )
    Organisation.objects.get_or_create(
        name="Demo Evaluation Partners", defaults={"type": Organisation.Type.EVALUATOR}
    )
    Team.objects.get_or_create(
        organisation=Organisation.objects.get(name=CA), name="Programme team"
    )

    accounts = []
    for spec in DEMO_USERS:
        organisation = Organisation.objects.get(name=spec.organisation)
        team = (
            Team.objects.filter(organisation=organisation, name=spec.team).first()
            if spec.team
            else None
        )
        user, created = User.objects.get_or_create(
            username=spec.username,
            defaults={
                "first_name": spec.first_name,
                "last_name": spec.last_name,
                "email": f"{spec.username}@{DEMO_EMAIL_DOMAIN}",
                "role": spec.role,
                "organisation": organisation,
                "team": team,
            },
        )
        if created:
            user.set_password(DEMO_PASSWORD)
            user.save()
            user.programmes.set(Programme.objects.filter(code__in=spec.programmes))
        device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
        if device is None:
            device = TOTPDevice.objects.create(user=user, name="Demo authenticator", confirmed=True)
        accounts.append((user, totp_secret(device)))

    programme = Programme.objects.get(code="households-into-work")
    for username, reference, members in DEMO_HOUSEHOLDS:
        if Household.objects.filter(programme=programme, reference=reference).exists():
            continue
        advocate = User.objects.get(username=username)
        create_household(
            actor=None,
            programme=programme,
            reference=reference,
            local_authority=advocate.organisation.local_authority,
            organisation=advocate.organisation,
            advocate=advocate,
            referral_date=dt.date(2018, 4, 3),
            start_date=dt.date(2018, 4, 24),
            members=[
                {
                    "given_name": g,
                    "family_name": f,
                    "role": r,
                    "date_of_birth": dt.date.fromisoformat(d),
                }
                for g, f, r, d in members
            ],
        )
    return accounts
