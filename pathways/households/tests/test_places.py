"""A household stays in its LSOA through a partial change, and is placed again, by the postcode
directory, whenever its postcode changes: over the API and on the edit page."""

from __future__ import annotations

import pytest
from django.urls import reverse

from pathways.areas.models import Postcode
from pathways.conftest import World
from pathways.households.models import Household

pytestmark = pytest.mark.django_db

HOME, NEW_HOME = ("L36 9GD", "E01006512"), ("L36 1AB", "E01006513")


@pytest.fixture
def placed(world: World) -> Household:
    """Knowsley's household, in the LSOA the postcode directory puts its postcode in."""
    for postcode, lsoa in (HOME, NEW_HOME):
        Postcode.objects.create(key=postcode.replace(" ", ""), lsoa11=lsoa)
    household = world.household_k
    household.postcode, household.lsoa = HOME
    household.save()
    return household


def patch(client, household: Household, **changes: str) -> None:
    url = f"/api/households/{household.pk}/"
    response = client.patch(url, changes, content_type="application/json")
    assert response.status_code == 200, response.content
    household.refresh_from_db()


def edit_page(client, household: Household, **changes: str) -> None:
    """The edit page sent back as it was shown, with `changes`."""
    data = {
        name: getattr(household, name)
        for name in ("address_line_1", "address_line_2", "town", "postcode", "lsoa", "tenure")
    }
    data.update(local_authority=household.local_authority_id, version=household.version)
    data.update(landlord=household.landlord, income_band="", debt_band="", **changes)
    response = client.post(reverse("households:edit", args=[household.pk]), data)
    assert response.status_code == 302, response.content.decode()
    household.refresh_from_db()


def test_a_patch_of_the_landlord_keeps_the_postcode_and_lsoa(
    world: World, signed_in, placed: Household
) -> None:
    patch(signed_in(world.advocate_k), placed, landlord="Bright Homes")
    assert (placed.landlord, placed.postcode, placed.lsoa) == ("Bright Homes", *HOME)
    assert placed.postcode_key == "L369GD"


@pytest.mark.parametrize("change", [patch, edit_page])
def test_a_new_postcode_places_the_household_again_and_the_old_one_puts_it_back(
    world: World, signed_in, placed: Household, change
) -> None:
    client = signed_in(world.advocate_k)
    change(client, placed, postcode="l361ab")
    assert (placed.postcode, placed.lsoa, placed.postcode_key) == (*NEW_HOME, "L361AB")
    change(client, placed, postcode=HOME[0])
    assert (placed.postcode, placed.lsoa, placed.postcode_key) == (*HOME, "L369GD")


def test_a_bad_postcode_in_a_patch_is_refused_naming_it_and_changes_nothing(
    world: World, signed_in, placed: Household
) -> None:
    url = f"/api/households/{placed.pk}/"
    client = signed_in(world.advocate_k)
    response = client.patch(
        url, {"postcode": "L3 ABC", "landlord": "X"}, content_type="application/json"
    )
    assert response.status_code == 400
    assert response.json() == {"postcode": ["Enter a real postcode, like L36 9GD"]}
    placed.refresh_from_db()
    assert (placed.postcode, placed.lsoa, placed.landlord) == (*HOME, "")
