"""Lawful basis and sharing: each person's basis and condition per purpose, consent and
sharing agreements with version, time, recorder and withdrawal; what leaves Pathways for a
purpose leaves only for people with an active basis."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
from django.urls import reverse
from django.utils import timezone

from pathways.audit.models import AuditEvent
from pathways.conftest import World
from pathways.core.exceptions import RuleError
from pathways.households.consent import record_consent
from pathways.households.tests.factories import PersonFactory
from pathways.outcomes.models import Claim
from pathways.outcomes.tests.test_outcome_pages import dwp_claim, verified
from pathways.privacy import services

pytestmark = pytest.mark.django_db


def active(person) -> dict[str, str]:  # type: ignore[no-untyped-def]
    return {
        r.purpose: (r.lawful_basis, r.special_condition) for r in person.processing_records.active()
    }


def test_consent_to_the_notice_records_its_bases_and_partner_sharing_needs_consent(
    world: World,
) -> None:
    person = PersonFactory(household=world.household_k, role="partner")
    record_consent(actor=world.advocate_k, person=person, given_on=dt.date(2026, 3, 1))
    assert active(person) == {
        "delivery": ("public_task", "employment_social_protection"),
        "funder": ("public_task", "employment_social_protection"),
        "evaluation": ("public_task", "research_statistics"),
    }
    record = person.processing_records.get(purpose="delivery")
    assert (record.recorded_by, record.notice_version) == (
        world.advocate_k,
        world.hiw.privacy_notice_version,
    )
    with pytest.raises(RuleError, match="needs the person's consent"):
        services.record(
            actor=world.advocate_k,
            person=person,
            purpose="partner",
            lawful_basis="public_task",
            special_condition="none",
            given_on=dt.date(2026, 3, 1),
        )
    shared = services.record(
        actor=world.advocate_k,
        person=person,
        purpose="partner",
        lawful_basis="consent",
        special_condition="explicit_consent",
        given_on=dt.date(2026, 3, 2),
    )
    with pytest.raises(RuleError, match="already an active record"):
        services.record(
            actor=world.advocate_k,
            person=person,
            purpose="partner",
            lawful_basis="consent",
            special_condition="explicit_consent",
            given_on=dt.date(2026, 3, 2),
        )
    services.withdraw(actor=world.manager_k, record=shared, reason="Withdrew consent by phone")
    shared.refresh_from_db()
    assert shared.withdrawn_by == world.manager_k and shared.withdrawn_on == timezone.localdate()
    assert "partner" not in active(person)
    with pytest.raises(RuleError, match="withdrawn already"):
        services.withdraw(actor=world.manager_k, record=shared, reason="again")
    verbs = list(AuditEvent.objects.filter(target_id=str(person.pk)).values_list("verb", flat=True))
    assert verbs.count("person.basis_recorded") == 4
    assert "person.basis_withdrawn" in verbs


def test_the_data_protection_page_records_and_withdraws(world: World, signed_in) -> None:
    person = world.household_k.members.get()
    url = reverse("privacy:person", args=[world.household_k.pk, person.pk])
    client = signed_in(world.advocate_k)
    page = client.get(url).content.decode()
    assert "Public task (Article 6(1)(e))" in page and "Active" in page
    assert AuditEvent.objects.filter(
        verb="person.viewed", target_id=str(person.pk), actor=world.advocate_k
    ).exists()
    today = timezone.localdate()
    bad = client.post(url, {"purpose": "partner", "lawful_basis": "public_task"})
    assert "Choose the special category condition" in bad.content.decode()
    made = client.post(
        url,
        {
            "purpose": "partner",
            "lawful_basis": "consent",
            "special_condition": "explicit_consent",
            "given_on_0": today.day,
            "given_on_1": today.month,
            "given_on_2": today.year,
        },
    )
    assert made.status_code == 302
    record = person.processing_records.get(purpose="partner")
    withdraw = reverse("privacy:withdraw", args=[world.household_k.pk, person.pk, record.pk])
    assert client.post(withdraw, {"reason": ""}).status_code == 302
    assert person.processing_records.get(pk=record.pk).active  # no reason, not withdrawn
    client.post(withdraw, {"reason": "Asked us to stop"})
    assert not person.processing_records.get(pk=record.pk).active
    # Another caseload's advocate can neither see nor withdraw.
    outsider = signed_in(world.advocate_l)
    assert outsider.get(url).status_code == 404
    other = person.processing_records.get(purpose="funder")
    assert (
        outsider.post(
            reverse("privacy:withdraw", args=[world.household_k.pk, person.pk, other.pk]),
            {"reason": "x"},
        ).status_code
        == 404
    )
    assert person.processing_records.get(pk=other.pk).active


def test_a_claim_download_leaves_out_people_without_a_funder_basis(world: World, signed_in) -> None:
    verified(world, world.household_k, world.advocate_k, world.manager_k)
    verified(world, world.household_k2, world.advocate_k, world.manager_k)
    claim = dwp_claim(world)
    assert claim.lines.count() == 4
    withdrawn = world.household_k2.members.get()
    services.withdraw(
        actor=world.manager_k,
        record=withdrawn.processing_records.get(purpose="funder"),
        reason="Objected to sharing with the funder",
    )
    client = signed_in(world.programme_manager)
    body = b"".join(
        client.get(reverse("outcomes:claim-csv", args=[claim.pk])).streaming_content
    ).decode()
    rows = list(csv.DictReader(io.StringIO(body)))
    assert {r["household_ref"] for r in rows} == {world.household_k.reference}
    page = client.get(reverse("outcomes:claim", args=[claim.pk])).content.decode()
    assert "2 lines are left out of the downloads" in page
    assert Claim.objects.get().lines.count() == 4  # the claim itself is unchanged
