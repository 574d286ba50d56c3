"""Field-level access: evaluators and funders never receive names, dates of birth, addresses,
contact details or free text; fields a caller may not write are refused, not dropped; nobody
moves a record to another authority or owner by editing a field."""

from __future__ import annotations

import importlib
import inspect
import re
from collections import deque
from html.parser import HTMLParser

from django.urls import reverse
from django.utils import timezone
from rest_framework import serializers

from pathways.casework import services as casework
from pathways.conftest import World
from pathways.core.api import RefusesUnknownFields
from pathways.households.models import Household

# --- evaluators and funders see no personal data --------------------------------------------

SECRETS = {
    "given name": "Quillon",
    "family name": "Marchbanks",
    "address": "17 Larkspur Avenue",
    "postcode": "L36 9ZQ",
    "phone": "07700 900461",
    "email": "quillon.m@example.org",
    "note": "Confided-about-a-debt",
}
BORN = timezone.datetime(1979, 2, 3).date()
BORN_SHOWN = ("3 Feb 1979", "3 February 1979", "03/02/1979", "3/2/1979", "1979-02-03")


def plant_personal_data(world: World) -> None:
    household = world.household_k
    household.address_line_1, household.postcode = SECRETS["address"], SECRETS["postcode"]
    household.save()
    person = household.members.get()
    person.given_name, person.family_name = SECRETS["given name"], SECRETS["family name"]
    person.phone, person.email, person.date_of_birth = SECRETS["phone"], SECRETS["email"], BORN
    person.save()
    casework.record_contact(
        actor=world.advocate_k,
        household=household,
        date=timezone.localdate(),
        method="home_visit",
        notes=SECRETS["note"],
    )


class Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.found: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        href = dict(attrs).get("href") if tag == "a" else None
        if href and href.startswith("/") and not href.startswith(("/static/", "//")):
            self.found.append(href.split("#")[0])


def crawl(client, start: list[str], limit: int = 250) -> dict[str, bytes]:  # type: ignore[no-untyped-def]
    """Every page and download reachable from `start` by following links, as the user."""
    seen: dict[str, bytes] = {}
    queue = deque(start)
    while queue and len(seen) < limit:
        url = queue.popleft()
        if url in seen or "sign-out" in url:
            continue
        if re.search(r"/download/(pdf|xlsx|ods)/", url):
            continue  # the same figures as the CSV, compressed: nothing to read for names
        response = client.get(url)
        body = b"".join(response.streaming_content) if response.streaming else response.content
        seen[url] = body
        if response.status_code == 200 and response["Content-Type"].startswith("text/html"):
            parser = Links()
            parser.feed(body.decode())
            queue.extend(parser.found)
    return seen


def leaks(pages: dict[str, bytes]) -> list[str]:
    found = []
    for url, body in pages.items():
        text = body.decode("utf-8", "replace")
        for what, secret in SECRETS.items():
            if secret in text:
                found.append(f"{url}: {what}")
        for shown in BORN_SHOWN:
            if shown in text:
                found.append(f"{url}: date of birth ({shown})")
    return found


def test_evaluators_and_funders_never_receive_personal_data(world: World, signed_in) -> None:
    plant_personal_data(world)
    hiw = world.hiw.code
    for role in ("evaluator", "funder"):
        client = signed_in(world.by_name(role))
        api = [
            "/api/me/",
            "/api/programmes/",
            *(f"/api/reports/{name}/?programme={hiw}" for name in ("age-profile", "performance")),
        ]
        pages = crawl(client, ["/", f"/reports/?programme={hiw}", *api])
        assert len(pages) > 15, f"{role} reached too few pages for the test to mean much"
        assert any(url.startswith("/reports/") for url in pages)
        assert leaks(pages) == [], role
    # The same crawl as the household's advocate does find them: the test can see a leak.
    advocate = signed_in(world.advocate_k)
    seen = crawl(advocate, ["/", reverse("household_record:detail", args=[world.household_k.pk])])
    assert any("given name" in leak for leak in leaks(seen))


# --- fields a caller may not write -------------------------------------------------------------


def test_the_api_refuses_fields_the_caller_may_not_write(world: World, signed_in) -> None:
    client = signed_in(world.advocate_k)
    url = f"/api/households/{world.household_k.pk}/"
    before = Household.objects.values().get(pk=world.household_k.pk)
    for body, field, says in (
        ({"status": "closed"}, "status", "cannot be changed"),
        ({"advocate": "advocate-l"}, "advocate", "cannot be changed"),
        ({"programme": "win"}, "programme", "cannot be changed"),
        ({"organisation": world.liverpool.pk}, "organisation", "no such field"),
        ({"landlord": "Riverside", "reference": "HH-9"}, "reference", "cannot be changed"),
    ):
        response = client.patch(url, body, content_type="application/json")
        assert response.status_code == 400, body
        assert says in response.json()[field][0], body
    assert Household.objects.values().get(pk=world.household_k.pk) == before  # nothing changed
    person = world.household_k.members.get()
    moved = client.patch(
        f"/api/people/{person.pk}/",
        {"household": world.household_l.pk},
        content_type="application/json",
    )
    assert moved.status_code == 400 and "cannot be changed" in moved.json()["household"][0]
    person.refresh_from_db()
    assert person.household_id == world.household_k.pk


def test_every_api_serializer_refuses_what_it_may_not_write() -> None:
    modules = [
        "accounts",
        "assessments",
        "audit",
        "budgets",
        "casework",
        "households",
        "outcomes",
        "programmes",
    ]
    lax = []
    for name in modules:
        module = importlib.import_module(f"pathways.{name}.api")
        for cls_name, cls in inspect.getmembers(module, inspect.isclass):
            if (
                issubclass(cls, serializers.BaseSerializer)
                and cls.__module__ == module.__name__
                and not issubclass(cls, RefusesUnknownFields)
            ):
                lax.append(f"{name}.api.{cls_name}")
    assert lax == []


def test_a_tampered_form_cannot_move_a_household(world: World, signed_in) -> None:
    """The page's form has no owner fields; fields added to what it sends are not used."""
    client = signed_in(world.advocate_k)
    url = reverse("households:edit", args=[world.household_k.pk])
    form = client.get(url).context["form"]
    data = {
        name: (value.pk if hasattr(value, "pk") else value or "")
        for name, value in form.initial.items()
    }
    data |= {
        "organisation": world.liverpool.pk,
        "advocate": world.advocate_l.pk,
        "programme": world.win.pk,
        "landlord": "Riverside",
    }
    assert client.post(url, data).status_code == 302
    household = Household.objects.get(pk=world.household_k.pk)
    assert household.landlord == "Riverside"
    assert (household.organisation, household.advocate, household.programme) == (
        world.knowsley,
        world.advocate_k,
        world.hiw,
    )
    assert re.search("organisation|advocate|programme", " ".join(form.fields)) is None
