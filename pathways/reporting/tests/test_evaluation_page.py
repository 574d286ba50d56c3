"""The evaluators' pseudonymised extract, from its page: no direct identifier leaves in it,
pseudonyms are keyed and stable, anyone who objected is left out, and only the programme's
evaluators and managers get one."""

from __future__ import annotations

import csv
import hashlib
import io
import zipfile

import pytest
from django.urls import reverse

from pathways.audit.models import AuditEvent
from pathways.conftest import World
from pathways.core.tests.test_field_level import BORN_SHOWN, SECRETS, plant_personal_data
from pathways.outcomes.tests.test_outcome_pages import verified
from pathways.privacy import pseudonyms, services
from pathways.privacy.models import ProcessingRecord, Purpose

pytestmark = pytest.mark.django_db


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
    key = pseudonyms.project_key(pseudonyms.pseudonym_key(), "hiw-impact")
    mine = pseudonyms.pseudonym("person", person.pk, key)
    [row] = [r for r in people if r["person"] == mine]
    assert pseudonyms.pseudonym("person", gone.pk, key) not in text  # withdrew: left out
    assert len(people) == 2  # household_k and household_l; household_k2's person withdrew
    assert {r["person"] for r in files["outcomes.csv"]} == {mine}
    # Keyed: not a plain hash anyone could compute from an id, and the same from one extract
    # to the next while the key stays.
    assert mine != hashlib.sha256(f"person:{person.pk}".encode()).hexdigest()[:24]
    assert pseudonyms.pseudonym("person", person.pk, pseudonyms.pseudonym_key()) != mine
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
