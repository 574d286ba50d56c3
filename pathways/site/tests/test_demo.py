"""The demo builds a world of every role."""

from __future__ import annotations

import pytest
from django.core.management import CommandError, call_command
from django.db.models import Count

from pathways.accounts.models import User
from pathways.accounts.services import confirmed_totp_device
from pathways.accounts.tests.factories import UserFactory
from pathways.areas.services import LIVERPOOL_CITY_REGION
from pathways.core.roles import Role
from pathways.households.models import Household, Person
from pathways.households.selectors import caseload_summary
from pathways.organisations.models import Organisation
from pathways.outcomes.models import Outcome
from pathways.site.demo import DEMO_PASSWORD, create_demo


@pytest.mark.django_db
def test_the_demo_creates_every_role_with_two_factor_ready(capsys) -> None:
    call_command("demo")
    out = capsys.readouterr().out
    users = User.objects.all()
    assert {u.role for u in users} == set(Role.values)
    assert all(confirmed_totp_device(u) is not None for u in users)
    assert all(u.check_password(DEMO_PASSWORD) for u in users)
    assert DEMO_PASSWORD in out and "advocate-knowsley" in out
    councils = Organisation.objects.filter(type=Organisation.Type.LOCAL_AUTHORITY)
    assert councils.count() == 6

    # About 150 invented households across the six authorities, at every stage, made through
    # the services; and a synthetic programme of 600 more, imported.
    generated = Household.objects.filter(reference__startswith="SYN-")
    assert generated.count() == 600
    assert not generated.filter(status="started", advocate__isnull=True).exists()
    assert Outcome.objects.filter(household__in=generated, kind="job_outcome").exists()
    households = Household.objects.exclude(reference__startswith="SYN-")
    assert 140 <= households.count() <= 160
    assert set(households.values_list("status", flat=True)) == set(Household.Status.values)
    by_authority = households.values("local_authority__code").annotate(n=Count("id"))
    in_region = {row["local_authority__code"]: row["n"] for row in by_authority}
    assert all(in_region.get(code, 0) >= 20 for code in LIVERPOOL_CITY_REGION)
    started = households.filter(status=Household.Status.STARTED)
    assert not started.filter(advocate__isnull=True).exists()
    # Everyone on the programme consented first, and the advocate's caseload has flags.
    assert not Person.objects.filter(
        household__in=started, role__in=["primary", "partner", "adult"], consents__isnull=True
    ).exists()
    summary = caseload_summary(User.objects.get(username="advocate-liverpool"))
    assert summary["open"] > 0 and summary["not_contacted"] > 0

    # Running it again (`make run` does, every time) changes nothing. One world serves both
    # checks: the demo is the slowest thing the suite builds.
    def counts() -> tuple[int, ...]:
        return tuple(
            model.objects.count() for model in (User, Household, Person, Organisation, Outcome)
        )

    before = counts()
    call_command("demo")
    assert counts() == before


@pytest.mark.django_db
def test_the_demo_refuses_a_database_with_real_users() -> None:
    UserFactory(username="real.person", email="real.person@knowsley.gov.uk")
    with pytest.raises(CommandError, match="not demo users"):
        call_command("demo")
    assert User.objects.count() == 1


@pytest.mark.django_db
def test_demo_codes_are_given_only_for_demo_users(capsys) -> None:
    create_demo(households=False)
    call_command("demo_code", "advocate-knowsley")
    assert capsys.readouterr().out.strip().isdigit()
    UserFactory(username="real.person", email="real.person@knowsley.gov.uk")
    with pytest.raises(CommandError, match="only for demo users"):
        call_command("demo_code", "real.person")
