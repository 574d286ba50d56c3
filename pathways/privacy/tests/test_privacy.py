"""Lawful basis and sharing: each person's basis and condition per purpose, consent and
sharing agreements with version, time, recorder and withdrawal; what leaves Pathways for a
purpose leaves only for people with an active basis. The evaluators' pseudonymised extract."""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import zipfile

import pytest
from django.urls import reverse
from django.utils import timezone

from pathways.audit.models import AuditEvent
from pathways.conftest import World
from pathways.core.exceptions import RuleError
from pathways.core.tests.test_field_level import BORN_SHOWN, SECRETS, plant_personal_data
from pathways.households.consent import record_consent
from pathways.households.tests.factories import PersonFactory
from pathways.outcomes.models import Claim
from pathways.outcomes.tests.test_outcome_pages import dwp_claim, verified
from pathways.privacy import extract, pseudonyms, services
from pathways.privacy.models import ProcessingRecord, Purpose

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


# --- the pseudonymised extract --------------------------------------------------------------


def read_zip(data: bytes) -> dict[str, list[dict[str, str]]]:
    with zipfile.ZipFile(io.BytesIO(data)) as bundle:
        return {
            name: list(csv.DictReader(io.StringIO(bundle.read(name).decode())))
            for name in bundle.namelist()
        }


def test_the_evaluation_extract_holds_no_direct_identifier(world: World, signed_in) -> None:
    plant_personal_data(world)
    verified(world, world.household_k, world.advocate_k, world.manager_k)
    gone = world.household_k2.members.get()
    services.withdraw(
        actor=world.manager_k,
        record=gone.processing_records.get(purpose="evaluation"),
        reason="Objected",
    )
    # Two people: the smallest k a programme may set lets them both through.
    world.hiw.disclosure = {**(world.hiw.disclosure or {}), "extract_k": 2}
    world.hiw.save(update_fields=["disclosure"])
    world.evaluator.programmes.add(world.hiw)
    client = signed_in(world.evaluator)
    asked = {"programme": world.hiw.code, "project": "hiw-impact"}
    response = client.post(reverse("evaluation:extract"), asked)
    assert response.status_code == 200 and response["Content-Type"] == "application/zip"
    raw = response.content
    files = read_zip(raw)
    text = "\n".join(zipfile.ZipFile(io.BytesIO(raw)).read(name).decode() for name in files)
    person = world.household_k.members.get()
    identifiers = [
        *SECRETS.values(),
        *BORN_SHOWN,
        person.reference,
        world.household_k.reference,
        world.household_k.postcode.replace(" ", ""),
        world.household_k.start_date.isoformat(),
    ]
    assert [found for found in identifiers if found and found in text] == []
    people = files["people.csv"]
    key = pseudonyms.project_key(extract.pseudonym_key(), "hiw-impact")
    mine = extract.pseudonym("person", person.pk, key)
    [row] = [r for r in people if r["person"] == mine]
    assert extract.pseudonym("person", gone.pk, key) not in text  # withdrew: left out
    assert len(people) == 2  # household_k and household_l; household_k2's person withdrew
    assert {r["person"] for r in files["outcomes.csv"]} == {mine}
    # Keyed: not a plain hash anyone could compute from an id, and the same from one extract
    # to the next while the key stays.
    assert mine != hashlib.sha256(f"person:{person.pk}".encode()).hexdigest()[:24]
    assert extract.pseudonym("person", person.pk, extract.pseudonym_key()) != mine
    again = read_zip(client.post(reverse("evaluation:extract"), asked).content)
    assert {r["person"] for r in again["people.csv"]} == {r["person"] for r in people}
    assert (
        AuditEvent.objects.filter(verb="evaluation.extracted", actor=world.evaluator).count() == 2
    )


def test_only_the_programmes_evaluators_and_managers_get_an_extract(
    world: World, signed_in
) -> None:
    for role in ("advocate_k", "manager_k", "funder", "administrator"):
        response = signed_in(world.by_name(role)).get(reverse("evaluation:extract"))
        assert response.status_code == 403, role
    # An evaluator of another programme cannot ask for this one.
    world.evaluator.programmes.set([world.win])
    refused = signed_in(world.evaluator).post(
        reverse("evaluation:extract"), {"programme": world.hiw.code, "project": "hiw-impact"}
    )
    assert refused.status_code == 400
    assert not AuditEvent.objects.filter(verb="evaluation.extracted").exists()
    assert ProcessingRecord.objects.filter(purpose=Purpose.EVALUATION).exists()
