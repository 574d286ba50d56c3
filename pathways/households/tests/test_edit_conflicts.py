"""Two people editing the same record: the second save is told of the conflict, with what is
saved now, instead of silently overwriting the first (pages and the API)."""

from __future__ import annotations

from typing import Any

from django.test import Client
from django.urls import reverse

from pathways.conftest import World, sign_in
from pathways.households.models import Household


def form_data(response: Any) -> dict[str, Any]:
    """What the form on a page would send back untouched."""
    form = response.context["form"]
    data = {}
    for name, field in form.fields.items():
        value = form.initial.get(name, field.initial)
        if hasattr(value, "pk"):
            value = value.pk
        data[name] = "" if value is None else value
    return data


def test_the_second_of_two_household_edits_is_told_of_the_first(world: World) -> None:
    household = world.household_k
    url = reverse("households:edit", args=[household.pk])
    advocate, manager = Client(), Client()
    sign_in(advocate, world.advocate_k)
    sign_in(manager, world.manager_k)
    advocate_form = form_data(advocate.get(url))
    manager_form = form_data(manager.get(url))
    assert advocate_form["version"] == manager_form["version"] == 1

    assert (
        advocate.post(url, {**advocate_form, "address_line_1": "2 New Street"}).status_code == 302
    )
    response = manager.post(url, {**manager_form, "landlord": "Riverside Housing"})
    assert response.status_code == 200
    page = response.content.decode()
    assert "Someone else saved changes to these details after you opened this page" in page
    assert "Address line 1: 2 New Street" in page
    household.refresh_from_db()
    assert (household.address_line_1, household.landlord, household.version) == (
        "2 New Street",
        "",
        2,
    )
    # The manager has been told; the form now carries the saved version, so saving again
    # (having checked) is their decision and goes through.
    again = form_data(response) | {"landlord": "Riverside Housing"}
    again.update(
        {k: v for k, v in response.context["form"].data.items() if k != "csrfmiddlewaretoken"}
    )
    assert again["version"] == "2"
    assert manager.post(url, again).status_code == 302
    household.refresh_from_db()
    assert household.landlord == "Riverside Housing" and household.version == 3


def test_the_second_of_two_edits_of_a_person_is_told_of_the_first(world: World) -> None:
    person = world.household_k.members.get()
    url = reverse("households:edit-person", args=[world.household_k.pk, person.pk])
    first, second = Client(), Client()
    sign_in(first, world.advocate_k)
    sign_in(second, world.manager_k)
    first_form, second_form = form_data(first.get(url)), form_data(second.get(url))
    born = person.date_of_birth
    for form in (first_form, second_form):
        form.pop("date_of_birth")
        form |= {
            "date_of_birth_0": born.day,
            "date_of_birth_1": born.month,
            "date_of_birth_2": born.year,
        }
    assert first.post(url, {**first_form, "phone": "07700 900123"}).status_code == 302
    response = second.post(url, {**second_form, "email": "sam@example.org"})
    assert "Someone else saved changes" in response.content.decode()
    person.refresh_from_db()
    assert (person.phone, person.email, person.version) == ("07700 900123", "", 2)


def test_the_api_refuses_a_change_made_from_a_stale_copy(world: World, signed_in) -> None:
    client = signed_in(world.advocate_k)
    url = f"/api/households/{world.household_k.pk}/"
    read = client.get(url)
    assert read["ETag"] == '"1"' and read.json()["version"] == 1
    ok = client.patch(
        url, {"landlord": "Riverside"}, content_type="application/json", HTTP_IF_MATCH='"1"'
    )
    assert ok.status_code == 200 and ok.json()["version"] == 2
    stale = client.patch(
        url, {"landlord": "Other"}, content_type="application/json", HTTP_IF_MATCH='"1"'
    )
    assert stale.status_code == 412
    assert "Someone else saved changes" in stale.json()["detail"]
    assert Household.objects.get(pk=world.household_k.pk).landlord == "Riverside"
    bad = client.patch(
        url, {"landlord": "Other"}, content_type="application/json", HTTP_IF_MATCH="yesterday"
    )
    assert bad.status_code == 400 and "If-Match" in bad.json()
    person = world.household_k.members.get()
    assert client.get(f"/api/people/{person.pk}/")["ETag"] == '"1"'
