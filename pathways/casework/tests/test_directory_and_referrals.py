"""The directory of local services, and referring a person on."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from pathways.areas.models import LocalAuthority
from pathways.audit.models import AuditEvent
from pathways.casework import onward_referrals
from pathways.casework.models import OnwardReferral, Service
from pathways.conftest import World
from pathways.core.exceptions import RuleError

pytestmark = pytest.mark.django_db


def add_debt_advice(world: World) -> Service:
    return onward_referrals.save_service(
        actor=world.manager_k,
        service=None,
        fields={
            "organisation": "Demo Money Advice",
            "name": "Debt clinic",
            "service_type": "debt_advice",
            "needs": ["mental_health"],
            "how_to_refer": "Phone 0151 000 0000",
        },
        local_authorities=[LocalAuthority.objects.get(code="E08000011")],
    )


def test_managers_keep_the_directory_and_advocates_search_it(world: World, signed_in) -> None:
    manager = signed_in(world.manager_k)
    knowsley = LocalAuthority.objects.get(code="E08000011")
    refused = manager.post(
        reverse("directory:add"),
        {"organisation": "", "name": "Debt clinic", "service_type": "debt_advice"},
    )
    html = refused.content.decode()
    assert (
        "Enter the organisation&#x27;s name" in html
        and "Choose at least one local authority it covers" in html
    )
    response = manager.post(
        reverse("directory:add"),
        {
            "organisation": "Demo Money Advice",
            "name": "Debt clinic",
            "service_type": "debt_advice",
            "needs": ["mental_health"],
            "local_authorities": [knowsley.pk],
        },
    )
    assert response.status_code == 302
    assert AuditEvent.objects.filter(verb="service.created").exists()
    advocate = signed_in(world.advocate_k)
    assert advocate.get(reverse("directory:add")).status_code == 403
    with pytest.raises(RuleError):
        onward_referrals.save_service(
            actor=world.advocate_k, service=None, fields={}, local_authorities=[]
        )
    found = advocate.get(
        reverse("directory:list"), {"need": "mental_health", "local_authority": knowsley.pk}
    )
    assert [s.name for s in found.context["services"]] == ["Debt clinic"]
    liverpool = LocalAuthority.objects.get(code="E08000012")
    elsewhere = advocate.get(reverse("directory:list"), {"local_authority": liverpool.pk})
    assert list(elsewhere.context["services"]) == []


def test_a_person_is_referred_on_from_the_directory(world: World, signed_in) -> None:
    service = add_debt_advice(world)
    person = world.household_k.members.get()
    client = signed_in(world.advocate_k)
    url = reverse("casework:add-referral", args=[world.household_k.pk, person.pk])
    assert (
        "Choose a service from the directory"
        in client.post(url, {"date_0": "1", "date_1": "6", "date_2": "2026"}).content.decode()
    )
    response = client.post(
        url, {"service": service.pk, "date_0": "1", "date_1": "6", "date_2": "2026"}
    )
    assert response.status_code == 302
    referral = OnwardReferral.objects.get()
    assert (referral.service_type, referral.organisation, referral.date) == (
        "debt_advice",
        "Demo Money Advice",
        dt.date(2026, 6, 1),
    )
    update = reverse(
        "casework:update-referral", args=[world.household_k.pk, person.pk, referral.pk]
    )
    assert client.post(update, {"status": "attended"}).status_code == 302
    referral.refresh_from_db()
    assert referral.status == "attended"
    summaries = list(
        world.household_k.timeline.filter(kind="onward_referral").values_list("summary", flat=True)
    )
    assert any("referred to Demo Money Advice (Debt advice)" in s for s in summaries)
    # Another authority's advocate cannot see or refer this person.
    other = signed_in(world.advocate_l)
    assert other.get(url).status_code == 404
    assert other.post(update, {"status": "declined"}).status_code == 404


def test_details_go_to_the_partner_only_while_the_person_agrees(world: World, signed_in) -> None:
    """The partner export: the service a person is referred to gets their name, date of birth,
    address and contact details only while their agreement to partner sharing is active."""
    from pathways.privacy import services as privacy
    from pathways.privacy.subject_access import everything_about

    person = world.household_k.members.get()
    person.phone, person.email = "07700 900123", "riley@example.org"
    person.date_of_birth = dt.date(1990, 4, 5)
    person.save()
    referral = onward_referrals.record_onward_referral(
        actor=world.advocate_k,
        person=person,
        date=dt.date(2026, 6, 1),
        service=add_debt_advice(world),
        service_type="",
        organisation="",
        notes="Rent arrears of about £900",
    )
    url = reverse(
        "casework:referral-for-partner", args=[world.household_k.pk, person.pk, referral.pk]
    )
    plan = reverse("casework:plan", args=[world.household_k.pk, person.pk])
    client = signed_in(world.advocate_k)
    assert url in client.get(plan).content.decode()

    def shown() -> str:
        response = client.get(url)
        assert response.status_code == 200
        return response.content.decode()

    personal = ("07700 900123", "riley@example.org", "5 April 1990", world.household_k.postcode)
    refused = shown()
    assert "has not agreed to their details being shared" in refused
    assert [value for value in personal if value in refused] == []
    assert not AuditEvent.objects.filter(verb="onward_referral.shared").exists()

    agreed = privacy.record(
        actor=world.advocate_k,
        person=person,
        purpose="partner",
        lawful_basis="consent",
        special_condition="explicit_consent",
        given_on=dt.date(2026, 5, 30),
    )
    page = shown()
    assert [value for value in personal if value not in page] == []
    assert "Rent arrears of about £900" in page and "Demo Money Advice" in page
    event = AuditEvent.objects.get(verb="onward_referral.shared")
    assert (event.actor, event.target_id, event.data["referral"]) == (
        world.advocate_k,
        str(person.pk),
        referral.pk,
    )
    assert "07700" not in str(event.data)  # which fields, never their values
    # The person's subject access answer names the recipient.
    log = everything_about(person)["access_log"]
    assert "onward_referral.shared (to Demo Money Advice)" in [entry["what"] for entry in log]

    privacy.withdraw(actor=world.advocate_k, record=agreed, reason="Changed their mind")
    again = shown()
    assert "has not agreed" in again and "07700 900123" not in again
    assert AuditEvent.objects.filter(verb="onward_referral.shared").count() == 1
    # Another authority's advocate gets nothing.
    assert signed_in(world.advocate_l).get(url).status_code == 404
