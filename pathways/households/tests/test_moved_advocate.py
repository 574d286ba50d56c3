"""An advocate moved to another council keeps nothing of the old council's caseload; the old
team manager still sees those households and is asked to reassign them."""

from __future__ import annotations

import pytest
from django.urls import reverse

from pathways.accounts import services as accounts
from pathways.conftest import World
from pathways.organisations.tests.factories import council_for

pytestmark = pytest.mark.django_db

HALTON = "E06000006"


def move_to_halton(world: World) -> None:
    """As the administrator's users page does it."""
    accounts.update_user(
        actor=world.administrator,
        user=world.advocate_k,
        programmes=[],
        organisation=council_for(HALTON),
    )


@pytest.fixture
def moved(world: World, signed_in) -> tuple:
    """The moved advocate signed in, with the Knowsley household they had and its person."""
    move_to_halton(world)
    household = world.household_k
    return signed_in(world.advocate_k), household, household.members.get()


def test_advocate_moved_to_halton_cannot_open_old_households_by_page_or_api(
    world: World, moved
) -> None:
    client, household, person = moved
    assert client.get(reverse("household_record:detail", args=[household.pk])).status_code == 404
    assert client.get(reverse("households:edit", args=[household.pk])).status_code == 404
    assert client.get(f"/api/households/{household.pk}/").status_code == 404
    assert client.get(f"/api/people/{person.pk}/").status_code == 404
    response = client.patch(
        f"/api/households/{household.pk}/", {"landlord": "X"}, content_type="application/json"
    )
    assert response.status_code == 404
    household.refresh_from_db()
    assert household.landlord == "" and household.advocate == world.advocate_k


def test_advocate_moved_to_halton_sees_nothing_of_old_households_in_lists_or_search(
    moved,
) -> None:
    client, household, person = moved
    assert client.get("/api/households/").json()["results"] == []
    assert client.get("/api/people/").json()["results"] == []
    caseload = client.get(reverse("households:list")).content.decode()
    start = client.get("/").content.decode()
    for page in (caseload, start):
        assert household.reference not in page
        assert person.family_name not in page
    # The results page repeats what was searched for: look for the other of the two.
    reference, name = household.reference, person.family_name
    for query, other in ((reference, name), (name, reference)):
        found = client.post(reverse("households:search"), {"q": query}, follow=True)
        assert found.status_code == 200
        assert other not in found.content.decode()


def test_old_team_manager_still_sees_the_moved_advocates_households_to_reassign(
    world: World, signed_in
) -> None:
    household = world.household_k
    move_to_halton(world)
    client = signed_in(world.manager_k)
    assert client.get(reverse("household_record:detail", args=[household.pk])).status_code == 200
    team = client.get(reverse("households:team")).content.decode()
    assert "Households that need a new advocate" in team
    assert household.reference in team
    assert world.household_k2.reference not in team  # its advocate is still in Knowsley
