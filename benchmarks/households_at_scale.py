"""How fast the caseload and search answer with 100,000 households loaded.

    .venv/bin/python benchmarks/households_at_scale.py                      # SQLite, var/bench.sqlite3
    .venv/bin/python benchmarks/households_at_scale.py --database postgresql://postgres@127.0.0.1:5432/pathways_bench

It builds a fresh database (about 100,000 households and 250,000 people across the six
authorities: most of them ended, about 40 open households per advocate), then times whole
requests through Django (middleware, permission scoping, queries, templates) for:
an advocate's start page and caseload, a team manager's team page and households, a
programme manager's households, triage queue and search by name, reference, postcode and date
of birth. It prints the median and the slowest of several runs, and the queries each ran.
Not part of the test suite: numbers are for the note and docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def configure(database: str) -> None:
    os.environ["DATABASE_URL"] = database
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "pathways.settings")
    os.environ["PATHWAYS_SECURE"] = "false"
    # Pages render with the static files' plain names, without `collectstatic` (as in the tests).
    os.environ.setdefault("PATHWAYS_STATIC_FROM_FINDERS", "true")
    import django

    django.setup()


def fresh_database(database: str) -> None:
    if database.startswith("sqlite:///"):
        path = Path(database.removeprefix("sqlite:///"))
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        path.parent.mkdir(parents=True, exist_ok=True)
    else:
        import psycopg

        name = database.rsplit("/", 1)[1]
        server = database.rsplit("/", 1)[0] + "/postgres"
        with psycopg.connect(server, autocommit=True) as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{name}"')
            connection.execute(f'CREATE DATABASE "{name}"')


def load(households: int, seed: int) -> dict:
    """The demo's world without its households, then `households` of our own (most ended, about
    40 open for each advocate), their people and the open ones' casework; the counts."""
    from django.core.management import call_command
    from django.db import connection

    from pathways.households.models import Household, Person
    from pathways.organisations.models import Organisation
    from pathways.programmes.models import Programme
    from pathways.site.demo import create_demo

    call_command("migrate", verbosity=0)
    create_demo(households=False)
    programme = Programme.objects.get(code="households-into-work")
    rng = random.Random(seed)  # noqa: S311 - invented data
    today = dt.date.today()
    councils = list(
        Organisation.objects.filter(type=Organisation.Type.LOCAL_AUTHORITY).select_related(
            "local_authority"
        )
    )
    advocates = _advocates(councils)
    started = time.perf_counter()
    _add_households(households, programme, councils, advocates, rng, today)
    _add_people(rng, today)
    readings, activities = _casework_for_open_households(rng, today)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return {
        "households": Household.objects.count(),
        "people": Person.objects.count(),
        "open": Household.objects.filter(status="started").count(),
        "readings": readings,
        "activities": activities,
        "load_seconds": round(time.perf_counter() - started, 1),
    }


def _advocates(councils: list) -> dict[int, list]:
    """Ten advocates in each council's team (the demo's, and bench ones to make up the ten)."""
    from pathways.accounts.models import User
    from pathways.core.roles import Role
    from pathways.organisations.models import Team

    advocates: dict[int, list[User]] = {}
    for council in councils:
        team = Team.objects.get(organisation=council, name="Employment Advocates")
        existing = list(User.objects.filter(role=Role.ADVOCATE, organisation=council))
        for n in range(10 - len(existing)):
            slug = council.local_authority.name.lower().replace(" ", "-")
            existing.append(
                User.objects.create(
                    username=f"bench-{slug}-{n}",
                    email=f"bench-{slug}-{n}@demo.pathways.invalid",
                    role=Role.ADVOCATE,
                    organisation=council,
                    team=team,
                )
            )
        advocates[council.pk] = existing
    return advocates


def _add_households(
    households: int,
    programme,
    councils: list,
    advocates: dict[int, list],
    rng: random.Random,
    today: dt.date,
) -> None:
    """The households, the councils and their advocates in turn; the first ones open."""
    from django.db import transaction

    from pathways.households.models import Household

    open_per_advocate = 40
    open_total = open_per_advocate * sum(len(a) for a in advocates.values())
    batch: list[Household] = []
    for index in range(households):
        council = councils[index % len(councils)]
        advocate = advocates[council.pk][(index // len(councils)) % len(advocates[council.pk])]
        batch.append(
            _household(index, programme, council, advocate, index < open_total, rng, today)
        )
        if len(batch) == 5000:
            with transaction.atomic():
                Household.objects.bulk_create(batch)
            batch = []
    if batch:
        Household.objects.bulk_create(batch)


def _household(
    index: int, programme, council, advocate, is_open: bool, rng: random.Random, today: dt.date
):
    """One household (not saved), invented from `rng`."""
    from pathways.core.postcodes import postcode_key
    from pathways.exchange.invented import DISTRICTS
    from pathways.households import rules
    from pathways.households.models import Household

    start = today - dt.timedelta(days=rng.randint(1, 360) if is_open else rng.randint(400, 2500))
    district = rng.choice(DISTRICTS[council.local_authority.code])
    postcode = f"{district} {rng.randint(1, 9)}{rng.choice('ABDEFGHJLNPQRSTUWXYZ')}{rng.choice('ABDEFGHJLNPQRSTUWXYZ')}"
    return Household(
        programme=programme,
        reference=f"HIW-{index + 1:06d}",
        status="started" if is_open else "ended",
        local_authority=council.local_authority,
        organisation=council,
        advocate=advocate,
        allocated_on=start,
        last_contact_on=None
        if rng.random() < 0.05
        else start + dt.timedelta(days=rng.randint(0, 300)),
        address_line_1=f"{rng.randint(1, 200)} Example Street",
        postcode=postcode,
        postcode_key=postcode_key(postcode),
        referral_source="jobcentre_plus",
        referral_date=start - dt.timedelta(days=7),
        eligibility="eligible",
        start_date=start,
        support_end_date=rules.support_end_date(start, 12),
        end_date=None if is_open else start + dt.timedelta(days=300),
        exit_reason="" if is_open else "completed",
    )


def _add_people(rng: random.Random, today: dt.date) -> None:
    """Two adults in every household, and none, one or two children."""
    from django.db import transaction

    from pathways.exchange.invented import FAMILY, GIVEN
    from pathways.households import rules
    from pathways.households.models import Household, Person

    people: list[Person] = []
    for household_id, reference in Household.objects.values_list("id", "reference").iterator(
        chunk_size=5000
    ):
        family = rng.choice(FAMILY) + rng.choice(["", "s", "son", "ley", "ton", "er"])
        for n, role in enumerate(["primary", "partner"] + ["child"] * rng.choice([0, 0, 1, 2])):
            given = rng.choice(GIVEN)
            age = rng.randint(18, 60) if role != "child" else rng.randint(0, 15)
            people.append(
                Person(
                    household_id=household_id,
                    reference=f"{reference}-{n + 1}",
                    given_name=given,
                    family_name=family,
                    given_key=rules.name_key(given),
                    family_key=rules.name_key(family),
                    date_of_birth=today - dt.timedelta(days=age * 365 + rng.randint(0, 364)),
                    role=role,
                    work_status="out_of_work" if role != "child" else "",
                )
            )
        if len(people) >= 10000:
            with transaction.atomic():
                Person.objects.bulk_create(people)
            people = []
    if people:
        Person.objects.bulk_create(people)


def _casework_for_open_households(rng: random.Random, today: dt.date) -> tuple[int, int]:
    """Star readings (about every 12 weeks since the start) and a few activities for the adults
    of every open household: what the caseload's flags read."""
    from pathways.assessments.models import Instrument, Reading, Score
    from pathways.casework.due_dates import refresh_due_dates
    from pathways.casework.models import Activity
    from pathways.households.models import Household, Person

    instrument = Instrument.objects.get(code="progress-star")
    points = list(instrument.points.all())
    adults = Person.objects.filter(household__status="started", role__in=["primary", "partner"])
    readings, activities = [], []
    for person_id, start in adults.values_list("id", "household__start_date").iterator():
        day = start
        while day <= today:
            readings.append(Reading(person_id=person_id, instrument=instrument, date=day))
            day += dt.timedelta(weeks=12)
        for _ in range(rng.randint(0, 3)):
            agreed = start + dt.timedelta(days=rng.randint(0, max(0, (today - start).days)))
            activities.append(
                Activity(
                    person_id=person_id,
                    activity_type="job_search",
                    agreed_date=agreed,
                    due_date=agreed + dt.timedelta(days=30),
                    status=rng.choice(["agreed", "completed"]),
                )
            )
    Reading.objects.bulk_create(readings, batch_size=5000)
    Score.objects.bulk_create(
        (
            Score(reading=r, point=p, worker=rng.randint(1, 5))
            for r in Reading.objects.all()
            for p in points
        ),
        batch_size=5000,
    )
    Activity.objects.bulk_create(activities, batch_size=5000)
    refresh_due_dates(Household.objects.filter(status="started").values_list("pk", flat=True))
    return len(readings), len(activities)


def client_for(username: str):
    from django.test import Client
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from pathways.accounts.models import User

    user = User.objects.get(username=username)
    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(user)
    session = client.session
    device = TOTPDevice.objects.filter(user=user).first()
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return client


def time_request(client, url: str, runs: int) -> tuple[float, float, int]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    timings = []
    queries = 0
    for _ in range(runs):
        with CaptureQueriesContext(connection) as captured:
            began = time.perf_counter()
            response = client.get(url)
            timings.append(time.perf_counter() - began)
        assert response.status_code == 200, (url, response.status_code)
        queries = len(captured)
    return statistics.median(timings), max(timings), queries


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", default=f"sqlite:///{ROOT / 'var' / 'bench.sqlite3'}")
    parser.add_argument("--households", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    fresh_database(args.database)
    configure(args.database)
    from django.db import connection

    loaded = load(args.households, args.seed)
    print(f"database: {connection.vendor}; loaded {loaded}")
    from pathways.households.models import Household, Person

    sample = Household.objects.filter(
        status="started", advocate__username="advocate-knowsley"
    ).first()
    person = Person.objects.filter(household=sample).first()
    pages = [
        ("advocate-knowsley", "/", "advocate start page (caseload top 10)"),
        ("advocate-knowsley", "/households/", "advocate caseload, most urgent first"),
        ("manager-knowsley", "/households/team/", "team manager: each advocate's caseload"),
        ("manager-knowsley", "/households/", "team manager: organisation's households"),
        ("programme-manager", "/households/", "programme manager: every open household"),
        ("programme-manager", "/households/referrals/", "programme manager: triage queue"),
        (
            "programme-manager",
            f"/households/search/?q={person.family_name}",
            "search by family name (PM, all 100k)",
        ),
        (
            "programme-manager",
            f"/households/search/?q={person.given_name}+{person.family_name}",
            "search by full name (PM)",
        ),
        (
            "programme-manager",
            f"/households/search/?q={sample.reference}",
            "search by reference (PM)",
        ),
        (
            "programme-manager",
            f"/households/search/?q={sample.postcode.replace(' ', '+')}",
            "search by postcode (PM)",
        ),
        (
            "programme-manager",
            f"/households/search/?q={person.date_of_birth:%d/%m/%Y}",
            "search by date of birth (PM)",
        ),
        (
            "advocate-knowsley",
            f"/households/search/?q={person.family_name}",
            "search by family name (advocate)",
        ),
        ("advocate-knowsley", f"/households/{sample.pk}/", "a household's record"),
    ]
    print(f"{'page':<44} {'median ms':>10} {'max ms':>8} {'queries':>8}")
    clients = {}
    for username, url, label in pages:
        client = clients.setdefault(username, client_for(username))
        median, slowest, queries = time_request(client, url, args.runs)
        print(f"{label:<44} {median * 1000:>10.1f} {slowest * 1000:>8.1f} {queries:>8}")


if __name__ == "__main__":
    main()
