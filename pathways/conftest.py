"""Shared personas (healthchecks' Alice/Bob/Charlie, for a programme of households):

- an advocate in Knowsley with a household, their team manager;
- an advocate and team manager in Liverpool (the outsiders for Knowsley, and vice versa);
- a programme manager of Households into Work, and one of WIN only;
- an evaluator, a funder, an administrator, and a user with no role.
"""

from __future__ import annotations

import datetime as dt
import time
from dataclasses import dataclass
from typing import Any

import pytest
from django.test import Client
from django_otp import DEVICE_ID_SESSION_KEY

from pathways.accounts.models import User
from pathways.accounts.stepup import STEPPED_UP_AT
from pathways.accounts.tests.factories import UserFactory, give_authenticator
from pathways.areas.services import ensure_liverpool_city_region
from pathways.assessments.services import load_shipped_instruments
from pathways.audit.locking import unlocked_for_emptying
from pathways.budgets.allocation import allocate
from pathways.core.roles import Role
from pathways.households.models import Household
from pathways.households.tests.factories import HouseholdFactory, PersonFactory
from pathways.organisations.models import Organisation
from pathways.organisations.tests.factories import OrganisationFactory, council_for
from pathways.privacy.services import record_notice_bases
from pathways.programmes import services as programme_services
from pathways.programmes.models import Programme

KNOWSLEY, LIVERPOOL = "E08000011", "E08000012"


@dataclass
class World:
    hiw: Programme
    win: Programme
    knowsley: Organisation
    liverpool: Organisation
    advocate_k: User
    manager_k: User
    advocate_l: User
    manager_l: User
    programme_manager: User
    win_manager: User
    evaluator: User
    funder: User
    administrator: User
    no_role: User
    household_k: Household
    household_k2: Household
    household_l: Household
    household_win: Household

    def by_name(self, name: str) -> Any:
        return getattr(self, name)


def load_programmes() -> dict[str, Programme]:
    # The migrations add the six authorities; a transactional test's flush empties them again.
    ensure_liverpool_city_region()
    load_shipped_instruments()
    for path in programme_services.shipped_definition_files():
        programme_services.save_definition(
            definition=programme_services.read_definition_file(path), actor=None
        )
    return {p.code: p for p in Programme.objects.all()}


@pytest.fixture
def world(db: Any) -> World:
    programmes = load_programmes()
    hiw, win = programmes["households-into-work"], programmes["win"]
    knowsley, liverpool = council_for(KNOWSLEY), council_for(LIVERPOOL)
    ca = OrganisationFactory(name="Combined Authority", type=Organisation.Type.COMBINED_AUTHORITY)
    advocate_k = UserFactory(username="advocate-k", role=Role.ADVOCATE, organisation=knowsley)
    advocate_k2 = UserFactory(username="advocate-k2", role=Role.ADVOCATE, organisation=knowsley)
    advocate_l = UserFactory(username="advocate-l", role=Role.ADVOCATE, organisation=liverpool)
    household_k = HouseholdFactory(programme=hiw, organisation=knowsley, advocate=advocate_k)
    household_k2 = HouseholdFactory(programme=hiw, organisation=knowsley, advocate=advocate_k2)
    household_l = HouseholdFactory(programme=hiw, organisation=liverpool, advocate=advocate_l)
    household_win = HouseholdFactory(programme=win, organisation=knowsley, advocate=advocate_k2)
    for household in (household_k, household_k2, household_l, household_win):
        person = PersonFactory(household=household)
        allocate(actor=None, household=household, on=household.start_date)
        # As if they consented to the privacy notice: the bases it states.
        record_notice_bases(actor=None, person=person, given_on=dt.date(2018, 1, 1))
    return World(
        hiw=hiw,
        win=win,
        knowsley=knowsley,
        liverpool=liverpool,
        advocate_k=advocate_k,
        manager_k=UserFactory(username="manager-k", role=Role.TEAM_MANAGER, organisation=knowsley),
        advocate_l=advocate_l,
        manager_l=UserFactory(username="manager-l", role=Role.TEAM_MANAGER, organisation=liverpool),
        programme_manager=UserFactory(
            username="pm-hiw", role=Role.PROGRAMME_MANAGER, organisation=ca, programmes=[hiw]
        ),
        win_manager=UserFactory(
            username="pm-win", role=Role.PROGRAMME_MANAGER, organisation=ca, programmes=[win]
        ),
        evaluator=UserFactory(username="evaluator", role=Role.EVALUATOR, programmes=[hiw]),
        funder=UserFactory(username="funder", role=Role.FUNDER, programmes=[hiw]),
        administrator=UserFactory(username="admin", role=Role.ADMINISTRATOR, organisation=ca),
        no_role=UserFactory(username="no-role", role=""),
        household_k=household_k,
        household_k2=household_k2,
        household_l=household_l,
        household_win=household_win,
    )


def sign_in(client: Client, user: User) -> Client:
    """Sign a user in and complete two-factor, as the sign-in pages would."""
    device = give_authenticator(user)
    client.force_login(user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session[STEPPED_UP_AT] = time.time()  # signing in gives a fresh code
    session.save()
    return client


@pytest.fixture
def signed_in(client: Client) -> Any:
    """signed_in(user) -> a test client signed in as that user, two-factor done."""

    def _sign_in(user: User) -> Client:
        return sign_in(client, user)

    return _sign_in


@pytest.fixture(scope="module")
def shipped_areas(django_db_setup: Any, django_db_blocker: Any) -> Any:
    """The shipped Liverpool City Region area data, loaded once for a module's tests (each
    test's own changes are rolled back as usual) and taken out again after them, so other
    modules start without it. Not for transactional tests, which empty the database."""
    from pathways.areas.loaders.shipped import load_shipped
    from pathways.areas.models import Indicator, IndicatorValue, Lsoa, Neighbourhood, Ward

    with django_db_blocker.unblock():
        load_shipped()
    yield
    with django_db_blocker.unblock():
        Neighbourhood.objects.all().delete()
        IndicatorValue.objects.all().delete()
        Indicator.objects.all().delete()
        Lsoa.objects.all().delete()
        Ward.objects.all().delete()


@pytest.fixture
def region(shipped_areas: None, world: World) -> World:
    """The world on the shipped area data: its Knowsley households live in Knowsley 006A, its
    Liverpool households in Liverpool 019C."""
    Household.objects.filter(organisation=world.knowsley).update(lsoa="E01006412")
    Household.objects.filter(organisation=world.liverpool).update(lsoa="E01006547")
    return world


@pytest.fixture(autouse=True)
def _test_overrides(settings: Any) -> None:
    """The test client speaks plain http; and hashing every factory password with argon2
    would only slow the suite (test_passwords checks the real hasher)."""
    settings.SECURE_SSL_REDIRECT = False
    settings.PASSWORD_HASHERS = [
        "django.contrib.auth.hashers.MD5PasswordHasher",
        *settings.PASSWORD_HASHERS,
    ]


# The browser (one Chromium for the whole session) for every app's end-to-end tests.
from pathways.core.tests.browser import chromium, page  # noqa: E402, F401


@pytest.hookimpl(wrapper=True)
def pytest_runtest_teardown(item: Any, nextitem: Any) -> Any:
    """Emptying the test database between tests is the one time the audit log's rows go."""
    with unlocked_for_emptying():
        return (yield)
