"""The public self-referral page, and households, people and referrals over the API."""

from __future__ import annotations

import time

import pytest
from django.core import signing
from django.urls import reverse
from django.utils import timezone

from pathways.areas.models import LocalAuthority
from pathways.audit.models import AuditEvent
from pathways.conftest import World
from pathways.households import public
from pathways.households.models import Household, Person
from pathways.households.tests.helpers import KNOWSLEY

pytestmark = pytest.mark.django_db


def started(seconds_ago: float = 60) -> str:
    return signing.dumps(str(time.time() - seconds_ago), salt=public.SALT)


def self_referral(**overrides) -> dict[str, str]:
    data = {
        "started": started(),
        "given_name": "Jamie",
        "family_name": "Madeup",
        "date_of_birth_0": "14",
        "date_of_birth_1": "8",
        "date_of_birth_2": "1993",
        "work_status": "out_of_work",
        "phone": "07700 900123",
        "address_line_1": "3 Demo Avenue",
        "postcode": "L36 1AB",
        "local_authority": str(LocalAuthority.objects.get(code=KNOWSLEY).pk),
        "adult_1_name": "Taylor Madeup",
        "adult_1_age": "41",
        "adult_1_work": "out_of_work",
        "website": "",
    }
    data.update(overrides)
    return data


def test_a_household_refers_itself_without_signing_in_and_lands_in_triage(
    world: World, client, signed_in
) -> None:
    url = reverse("self-referral:form", args=[world.hiw.code])
    response = client.post(url, self_referral())
    assert response.status_code == 302
    assert response["Location"] == reverse("self-referral:sent", args=[world.hiw.code])
    thanks = client.get(response["Location"]).content.decode()
    assert "Jamie" not in thanks and "L36 1AB" not in thanks  # nothing shown back
    household = Household.objects.get(referral_source="self")
    assert household.advocate is None and household.organisation == world.knowsley
    assert household.eligibility == "eligible"
    taylor = household.members.get(given_name="Taylor")
    assert (taylor.age_band, taylor.role) == ("36-45", "adult")
    manager = signed_in(world.manager_k)
    assert household in manager.get(reverse("households:triage")).context["households"]


def test_robots_are_thanked_and_ignored(world: World, client) -> None:
    url = reverse("self-referral:form", args=[world.hiw.code])
    before = Household.objects.count()
    assert client.post(url, self_referral(website="http://spam.example")).status_code == 302
    assert client.post(url, self_referral(started=started(seconds_ago=0.5))).status_code == 302
    assert Household.objects.count() == before


def test_self_referrals_are_rate_limited_per_connection(world: World, client) -> None:
    url = reverse("self-referral:form", args=[world.hiw.code])
    for n in range(public.PER_CONNECTION_PER_HOUR):
        client.post(url, self_referral(postcode=f"L36 {n}AB"))
    assert (
        Household.objects.filter(referral_source="self").count() == public.PER_CONNECTION_PER_HOUR
    )
    response = client.post(url, self_referral(postcode="L36 9AB"))
    assert response.status_code == 429
    assert (
        Household.objects.filter(referral_source="self").count() == public.PER_CONNECTION_PER_HOUR
    )


def test_behind_a_trusted_proxy_each_client_has_its_own_limit(
    world: World, client, settings
) -> None:
    """Every referral arrives from the proxy's address; the limit counts the client's, as the
    proxy reports it, and a client cannot reset its count by sending its own header."""
    settings.TRUSTED_PROXIES = ["127.0.0.1/32"]
    url = reverse("self-referral:form", args=[world.hiw.code])
    proxy = {"REMOTE_ADDR": "127.0.0.1"}

    def refer(forwarded_for: str, n: int) -> int:
        form = self_referral(postcode=f"L36 {n}AB")
        return client.post(url, form, HTTP_X_FORWARDED_FOR=forwarded_for, **proxy).status_code

    for n in range(public.PER_CONNECTION_PER_HOUR):
        assert refer("203.0.113.7", n) == 302
    assert refer("203.0.113.7", 5) == 429
    assert refer("198.51.100.1, 203.0.113.7", 6) == 429  # a made-up address in front: the same
    assert refer("198.51.100.20", 7) == 302  # another client
    assert Household.objects.filter(referral_source="self").count() == 4


def test_a_self_referral_with_mistakes_is_refused_clearly(world: World, client) -> None:
    url = reverse("self-referral:form", args=[world.hiw.code])
    response = client.post(
        url,
        self_referral(
            date_of_birth_2=str(timezone.localdate().year - 10),
            adult_1_age="12",
            postcode="nonsense",
        ),
    )
    html = response.content.decode()
    assert (
        "You are 10, so they cannot be an adult" in html
        or "You are 9, so they cannot be an adult" in html
    )
    assert "Only include adults: people aged 16 or over" in html
    assert "Enter a real postcode" in html
    assert not Household.objects.filter(referral_source="self").exists()


# --- API -------------------------------------------------------------------------------


def referral_body(**overrides) -> dict:
    body = {
        "programme": "households-into-work",
        "source": "jobcentre_plus",
        "date": (timezone.localdate()).isoformat(),
        "referring_organisation": "Huyton Jobcentre",
        "address_line_1": "9 Pretend Lane",
        "postcode": "l36 2ab",
        "local_authority": KNOWSLEY,
        "members": [
            {
                "given_name": "Morgan",
                "family_name": "Notreal",
                "role": "primary",
                "date_of_birth": "1975-06-11",
                "work_status": "out_of_work",
            },
            {
                "given_name": "Casey",
                "family_name": "Notreal",
                "role": "partner",
                "date_of_birth": "1977-02-27",
                "work_status": "out_of_work",
            },
        ],
    }
    body.update(overrides)
    return body


def test_a_referral_over_the_api_follows_the_same_rules(world: World, signed_in) -> None:
    client = signed_in(world.advocate_k)
    response = client.post("/api/referrals/", referral_body(), content_type="application/json")
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["eligibility"] == "eligible"
    assert body["reference"].startswith("HIW-")
    household = Household.objects.get(pk=body["household"])
    assert household.postcode == "L36 2AB" and household.advocate == world.advocate_k
    assert AuditEvent.objects.filter(
        verb="household.referred", target_id=str(household.pk)
    ).exists()

    again = client.post(
        "/api/referrals/", referral_body(postcode="L36 3AB"), content_type="application/json"
    )
    assert again.status_code == 409
    assert (
        again.json()["duplicates"][0]["why"] == "Same name, same date of birth, different postcode"
    )
    confirmed = client.post(
        "/api/referrals/",
        referral_body(postcode="L36 3AB", confirm_new=True),
        content_type="application/json",
    )
    assert confirmed.status_code == 201


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"source": "telepathy"}, "source"),
        ({"postcode": "XYZ"}, "postcode"),
        ({"local_authority": "E99999999"}, "local_authority"),
        ({"programme": "win-lottery"}, "programme"),
        ({"date": "2999-01-01"}, "date"),
    ],
)
def test_api_refuses_bad_referrals_naming_the_field(world: World, signed_in, change, field) -> None:
    client = signed_in(world.advocate_k)
    before = (Household.objects.count(), Person.objects.count())
    response = client.post(
        "/api/referrals/", referral_body(**change), content_type="application/json"
    )
    assert response.status_code == 400
    assert field in response.json()
    assert (Household.objects.count(), Person.objects.count()) == before


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"date_of_birth": "2999-01-01"}, "Date of birth must be in the past"),
        ({"date_of_birth": f"{timezone.localdate().year - 4}-01-01"}, "cannot be an adult"),
        ({"role": "emperor"}, "not a valid choice"),
        ({"benefits": ["lottery"]}, "not a valid choice"),
    ],
)
def test_api_refuses_bad_people(world: World, signed_in, change, message) -> None:
    client = signed_in(world.advocate_k)
    body = referral_body()
    body["members"][1].update(change)
    before = Household.objects.count()
    response = client.post("/api/referrals/", body, content_type="application/json")
    assert response.status_code == 400
    assert message in response.content.decode()
    assert Household.objects.count() == before


def test_consent_and_start_over_the_api(world: World, signed_in) -> None:
    client = signed_in(world.advocate_k)
    created = client.post(
        "/api/referrals/", referral_body(), content_type="application/json"
    ).json()
    household = Household.objects.get(pk=created["household"])
    start = {"start_date": timezone.localdate().isoformat(), "advocate": world.advocate_k.username}
    refused = client.post(
        f"/api/households/{household.pk}/start/", start, content_type="application/json"
    )
    assert refused.status_code == 400 and "consent" in refused.json()
    for person in household.members.all():
        answer = client.post(
            f"/api/people/{person.pk}/consent/",
            {"given_on": timezone.localdate().isoformat()},
            content_type="application/json",
        )
        assert (
            answer.status_code == 200
            and answer.json()["consent_date"] == timezone.localdate().isoformat()
        )
    started_ = client.post(
        f"/api/households/{household.pk}/start/", start, content_type="application/json"
    )
    assert started_.status_code == 200
    assert started_.json()["status"] == "started"


def test_people_are_edited_over_the_api_with_validation(world: World, signed_in) -> None:
    client = signed_in(world.advocate_k)
    person = world.household_k.members.get()
    bad = client.patch(
        f"/api/people/{person.pk}/",
        {"date_of_birth": "2999-01-01"},
        content_type="application/json",
    )
    assert bad.status_code == 400 and "date_of_birth" in bad.json()
    good = client.patch(
        f"/api/people/{person.pk}/",
        {"support_needs": ["esol"], "qualification": "entry"},
        content_type="application/json",
    )
    assert good.status_code == 200
    person.refresh_from_db()
    assert person.support_needs == ["esol"]
    assert AuditEvent.objects.filter(verb="person.changed", target_id=str(person.pk)).exists()
