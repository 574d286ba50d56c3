"""Finding the same person twice, searching within what a user may see, and the API's
scope, including a Knowsley advocate trying every way into a Liverpool household."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from hypothesis import given
from hypothesis import strategies as st

from pathways.conftest import World
from pathways.households import rules
from pathways.households.duplicates import find_duplicates
from pathways.households.models import Household, Referral
from pathways.households.tests.factories import HouseholdFactory, PersonFactory
from pathways.households.tests.helpers import couple, member, refer, referral_form

pytestmark = pytest.mark.django_db


def check(user, programme, members, postcode="L36 9GD", address="1 Example Street"):
    return find_duplicates(
        user, programme=programme, members=members, postcode=postcode, address_line_1=address
    )


def test_the_same_person_exactly(world: World) -> None:
    known = refer(world.advocate_k, world.hiw)
    found = check(
        world.advocate_k,
        world.hiw,
        [member("Alex", "Example", "primary", "1984-03-02")],
        postcode="L1 1AA",
        address="",
    )
    assert [(m.person.household, m.why) for m in found.people] == [
        (known, "Same name, same date of birth, different postcode")
    ]


@pytest.mark.parametrize(
    ("given_name", "family", "born"),
    [
        ("alex", "EXAMPLE", "1984-03-02"),  # case
        (" Alex ", "Ex ample", "1984-03-02"),  # spacing
        ("Alx", "Example", "1984-03-02"),  # a letter missed
        ("Alex", "Exmaple", "1984-03-02"),  # two letters swapped
        ("Alexander", "Example", "1984-03-02"),  # the long form of a name
        ("Alex", "Example", "1984-02-03"),  # day and month swapped
        ("Alex", "Example", "1984-03-12"),  # one digit of the day wrong
    ],
)
def test_typos_still_match(world: World, given_name: str, family: str, born: str) -> None:
    refer(world.advocate_k, world.hiw)
    found = check(
        world.advocate_k,
        world.hiw,
        [member(given_name, family, "primary", born)],
        postcode="L1 1AA",
        address="",
    )
    assert [m.person.given_name for m in found.people] == ["Alex"], found


def test_same_name_at_the_same_postcode_without_a_date_of_birth(world: World) -> None:
    refer(world.advocate_k, world.hiw)
    person = {"given_name": "Sam", "family_name": "Example", "role": "partner"}
    found = check(world.advocate_k, world.hiw, [person])
    assert [m.why for m in found.people] == ["Same name, same postcode"]


def test_different_people_do_not_match(world: World) -> None:
    refer(world.advocate_k, world.hiw)
    found = check(
        world.advocate_k,
        world.hiw,
        [
            member("Alex", "Example", "primary", "1990-08-21"),
            member("Jordan", "Smith", "partner", "1984-03-02"),
        ],
        postcode="L1 1AA",
        address="",
    )
    assert found.people == []


def test_a_household_already_on_the_programme_at_the_address(world: World) -> None:
    known = refer(world.advocate_k, world.hiw)
    found = check(
        world.advocate_k,
        world.hiw,
        [member("Kerry", "Other", "primary", "1970-01-01")],
        address="1 example st",
    )
    assert found.households == [known]


def test_matches_the_user_may_not_see_are_counted_never_shown(world: World) -> None:
    refer(world.advocate_l, world.hiw, la="E08000012", postcode="L4 4AA")
    found = check(world.advocate_k, world.hiw, couple(), postcode="L36 9GD")
    assert found.people == [] and found.hidden == 1


def test_the_referral_page_shows_matches_and_links_instead_of_duplicating(
    world: World, signed_in
) -> None:
    client = signed_in(world.advocate_k)
    data = referral_form(programme=str(world.hiw.pk))
    assert client.post(reverse("households:refer"), data).status_code == 302
    households = Household.objects.count()
    again = client.post(reverse("households:refer"), {**data, "postcode": "L36 1AB"})
    html = again.content.decode()
    assert "Some of these people may already be known" in html
    assert "Same name, same date of birth, different postcode" in html
    assert Household.objects.count() == households
    known = Household.objects.get(
        referrals__isnull=False, address_line_1="7 Sample Road", postcode="L36 9GD"
    )
    linked = client.post(
        reverse("households:refer"), {**data, "postcode": "L36 1AB", "decision": str(known.pk)}
    )
    assert linked.status_code == 302
    assert Household.objects.count() == households
    assert Referral.objects.filter(household=known).count() == 2
    assert known.timeline.filter(summary__contains="linked to this household").exists()
    # Or, if they are different people, a new household.
    new = client.post(
        reverse("households:refer"), {**data, "postcode": "L36 1AB", "decision": "new"}
    )
    assert new.status_code == 302 and Household.objects.count() == households + 1


@given(st.text(alphabet="abcdefghijklmnopqrstuvwxyz", min_size=3, max_size=12))
def test_a_name_is_always_alike_to_itself_with_one_letter_changed(name: str) -> None:
    changed = name[:-1] + ("a" if name[-1] != "a" else "b")
    assert rules.names_alike(name, name)
    assert rules.names_alike(name, changed)


# --- search ----------------------------------------------------------------------------


def search_ids(client, query: str) -> set[int]:
    response = client.post(reverse("households:search"), {"q": query}, follow=True)
    assert response.status_code == 200
    return {h.pk for h in response.context["households"]}


def test_search_by_name_reference_postcode_and_date_of_birth(world: World, signed_in) -> None:
    household = refer(world.advocate_k, world.hiw)
    client = signed_in(world.advocate_k)
    for query in (
        "example",
        "Alex Example",
        "example alex",
        "sam ex",
        household.reference.lower(),
        "L36 9GD",
        "l369gd",
        "L36",
        "2/3/1984",
        "1984-03-02",
        "02/03/1984",
    ):
        assert household.pk in search_ids(client, query), query
    assert household.pk not in search_ids(client, "Smith")
    assert household.pk not in search_ids(client, "L3")  # another outward code
    assert household.pk not in search_ids(client, "3/2/1984")


def test_a_knowsley_advocate_cannot_reach_a_liverpool_household_by_url_search_or_api(
    world: World, signed_in
) -> None:
    liverpool = refer(
        world.advocate_l, world.hiw, la="E08000012", postcode="L4 4AA", members=couple("Fictional")
    )
    person = liverpool.members.first()
    client = signed_in(world.advocate_k)
    assert client.get(reverse("household_record:detail", args=[liverpool.pk])).status_code == 404
    assert client.get(reverse("households:edit", args=[liverpool.pk])).status_code == 404
    assert (
        client.get(reverse("households:edit-person", args=[liverpool.pk, person.pk])).status_code
        == 404
    )
    for query in ("Fictional", liverpool.reference, "L4 4AA", "2/3/1984"):
        assert liverpool.pk not in search_ids(client, query)
    assert client.get(f"/api/households/{liverpool.pk}/").status_code == 404
    assert client.get(f"/api/people/{person.pk}/").status_code == 404
    assert person.pk not in {p["id"] for p in client.get("/api/people/").json()["results"]}
    assert liverpool.pk not in {
        r["household"] for r in client.get("/api/referrals/").json()["results"]
    }
    assert (
        client.patch(
            f"/api/people/{person.pk}/", {"given_name": "Hacked"}, content_type="application/json"
        ).status_code
        == 404
    )
    response = client.post(
        "/api/people/",
        {
            "household": liverpool.pk,
            "given_name": "Intruder",
            "family_name": "X",
            "role": "adult",
            "date_of_birth": "1980-01-01",
        },
        content_type="application/json",
    )
    assert response.status_code == 400 and "household" in response.json()
    person.refresh_from_db()
    assert person.given_name == "Alex"


def test_search_runs_a_bounded_number_of_queries(world: World, signed_in) -> None:
    client = signed_in(world.programme_manager)

    def queries(query: str) -> int:
        with CaptureQueriesContext(connection) as captured:
            client.post(reverse("households:search"), {"q": query}, follow=True)
        return len(captured)

    for _ in range(3):
        HouseholdFactory(
            programme=world.hiw, organisation=world.knowsley, advocate=world.advocate_k
        )
    [PersonFactory(household=h, family_name="Lorem") for h in Household.objects.all()]
    few = queries("Lorem")
    for _ in range(30):
        household = HouseholdFactory(
            programme=world.hiw, organisation=world.knowsley, advocate=world.advocate_k
        )
        PersonFactory(household=household, family_name="Lorem")
        PersonFactory(household=household, family_name="Lorem", role="partner")
    assert queries("Lorem") == few


def test_caseload_runs_a_bounded_number_of_queries(world: World, signed_in) -> None:
    client = signed_in(world.advocate_k)

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            response = client.get(reverse("households:list"))
            assert response.status_code == 200
        return len(captured)

    few = queries()
    for n in range(40):
        household = HouseholdFactory(
            programme=world.hiw,
            organisation=world.knowsley,
            advocate=world.advocate_k,
            start_date=dt.date(2026, 1, 1) + dt.timedelta(days=n),
            support_end_date=dt.date(2026, 12, 1),
        )
        PersonFactory(household=household)
    assert queries() == few
    manager = signed_in(world.manager_k)
    with CaptureQueriesContext(connection) as captured:
        manager.get(reverse("households:team"))
    team_queries = len(captured)
    for _ in range(10):
        HouseholdFactory(
            programme=world.hiw, organisation=world.knowsley, advocate=world.household_k2.advocate
        )
    with CaptureQueriesContext(connection) as captured:
        manager.get(reverse("households:team"))
    assert len(captured) == team_queries


def test_searches_and_opening_a_person_are_audited(world: World, signed_in) -> None:
    from pathways.audit.models import AuditEvent

    household = refer(world.advocate_k, world.hiw)
    client = signed_in(world.advocate_k)
    client.post(reverse("households:search"), {"q": "Example"}, follow=True)
    event = AuditEvent.objects.get(verb="household.searched")
    assert event.data == {"by": "name", "households": [household.pk]}
    assert "Example" not in str(event.data) + event.target_label
    assert event.programme == world.hiw  # so the programme manager can find it
    person = household.members.first()
    client.get(reverse("households:edit-person", args=[household.pk, person.pk]))
    assert AuditEvent.objects.filter(verb="person.viewed", target_id=str(person.pk)).exists()


def test_another_teams_user_cannot_act_on_a_household_through_the_api(
    world: World, signed_in
) -> None:
    client = signed_in(world.advocate_l)
    k = world.household_k
    assert client.post(f"/api/households/{k.pk}/eligibility/").status_code == 404
    start = {"start_date": "2026-01-01", "advocate": world.advocate_l.username}
    assert (
        client.post(
            f"/api/households/{k.pk}/start/", start, content_type="application/json"
        ).status_code
        == 404
    )
    assert (
        client.patch(
            f"/api/households/{k.pk}/", {"landlord": "X"}, content_type="application/json"
        ).status_code
        == 404
    )
    person = k.members.first()
    consent = {"given_on": "2026-01-01"}
    assert (
        client.post(
            f"/api/people/{person.pk}/consent/", consent, content_type="application/json"
        ).status_code
        == 404
    )
    # A programme only Knowsley delivers cannot take a referral from Liverpool.
    body = {
        "programme": "win",
        "source": "self",
        "date": "2026-01-01",
        "address_line_1": "1 Road",
        "postcode": "L4 4AA",
        "local_authority": "E08000012",
        "members": [
            {
                "given_name": "A",
                "family_name": "B",
                "role": "primary",
                "date_of_birth": "1980-01-01",
            }
        ],
    }
    response = client.post("/api/referrals/", body, content_type="application/json")
    assert response.status_code == 400 and "programme" in response.json()


def test_a_contact_clears_not_yet_contacted(world: World, signed_in) -> None:
    client = signed_in(world.advocate_k)
    assert client.get(reverse("households:list")).context["households"][0].is_not_contacted
    today = timezone.localdate()
    response = client.post(
        reverse("household_record:add-contact", args=[world.household_k.pk]),
        {
            "date_0": today.day,
            "date_1": today.month,
            "date_2": today.year,
            "method": "home_visit",
            "notes": "First visit",
        },
    )
    assert response.status_code == 302
    row = client.get(reverse("households:list")).context["households"][0]
    assert row == world.household_k and not row.is_not_contacted
    assert world.household_k.timeline.filter(kind="contact").exists()


@pytest.mark.parametrize(
    ("a", "b", "alike"),
    [
        ("1 Example Street", "1 example st", True),
        ("12A Sample Road", "12a sample rd", True),
        ("12 Sample Road", "12 Sampel Road", True),
        ("1 Example Street", "11 Example Street", False),  # a house number is never a typo
        ("12 Sample Road", "12A Sample Road", False),
        ("12 Sample Road", "12 Other Road", False),
    ],
)
def test_addresses_alike(a: str, b: str, alike: bool) -> None:
    assert rules.addresses_alike(a, b) is alike
