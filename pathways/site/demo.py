"""The demo: organisations for the six LCR authorities, users of every role, three programmes.

Everything here is invented. Re-running it changes nothing that exists already.
"""

from __future__ import annotations

import base64
import tempfile
from dataclasses import dataclass
from pathlib import Path

from django.db import transaction
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from pathways.accounts.models import User
from pathways.areas.loaders.shipped import load_shipped
from pathways.areas.models import Lsoa
from pathways.areas.services import ensure_liverpool_city_region
from pathways.assessments.services import load_shipped_instruments
from pathways.core.roles import Role
from pathways.exchange.generate import Settings, generate
from pathways.exchange.importer import import_bundle
from pathways.organisations.models import Organisation, Team
from pathways.programmes import services as programme_services
from pathways.programmes.models import Programme
from pathways.site.demo_households import HOUSEHOLDS, create_demo_households
from pathways.site.demo_services import create_demo_services

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
    # More advocates, so every authority has a caseload and a household can be reassigned.
    DemoUser(
        "advocate-knowsley-2",
        "Kit",
        "Advocate",
        Role.ADVOCATE,
        COUNCIL.format("Knowsley"),
        "Employment Advocates",
    ),
    *(
        DemoUser(
            f"advocate-{name.lower().replace(' ', '-')}",
            first,
            "Advocate",
            Role.ADVOCATE,
            COUNCIL.format(name),
            "Employment Advocates",
        )
        for name, first in (
            ("Halton", "Hal"),
            ("St Helens", "Stel"),
            ("Sefton", "Sef"),
            ("Wirral", "Wren"),
        )
    ),
]


def totp_secret(device: TOTPDevice) -> str:
    return base64.b32encode(device.bin_key).decode().rstrip("=")


GENERATED = 600  # households of the synthetic programme the demo adds


@transaction.atomic
def create_demo(
    *, households: bool = True, generated: int = GENERATED, made: int = HOUSEHOLDS
) -> list[tuple[User, str]]:
    """Create (or find) the demo world; return each demo user with their TOTP secret.

    `households=False` leaves out the demo households (browser tests that start empty). Beside
    the ~150 households made through the services (`made`; fewer for a quicker world) (every stage of the journey), `generated`
    households of a synthetic programme (`exchange.generate`, records up to today) are imported
    through the importer, so the programme's lists, outcomes and spending have volume.
    """
    real = User.objects.exclude(email__endswith=f"@{DEMO_EMAIL_DOMAIN}")
    if real.exists():
        raise DemoRefused(
            "This database has users who are not demo users, so the demo will not add "
            "accounts with a published password to it. Use an empty database for the demo."
        )
    authorities = ensure_liverpool_city_region()
    load_shipped_instruments()
    if households and not Lsoa.objects.exists():  # `make run` loads them first
        load_shipped()
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

    create_demo_services()
    if households:
        create_demo_households(Programme.objects.get(code="households-into-work"), count=made)
        if generated:
            import_synthetic_households(generated)
    return accounts


def import_synthetic_households(count: int, *, seed: int = 2026) -> None:
    """A synthetic cohort, generated and imported; the same every time it runs on one day."""
    advocates: dict[str, list[str]] = {}
    for username, code in User.objects.filter(
        role=Role.ADVOCATE, organisation__local_authority__isnull=False
    ).values_list("username", "organisation__local_authority__code"):
        advocates.setdefault(code, []).append(username)
    with tempfile.TemporaryDirectory(prefix="pathways-demo-") as folder:
        generate(
            Path(folder),
            Settings(
                households=count,
                seed=seed,
                as_of=timezone.localdate(),
                advocates={code: tuple(sorted(names)) for code, names in advocates.items()},
            ),
        )
        import_bundle(Path(folder))
