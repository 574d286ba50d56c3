"""Readings, activities, onward referrals and contacts over the API, with the pages' rules."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.utils import timezone

from pathways.assessments.models import Reading
from pathways.casework import services
from pathways.conftest import World

pytestmark = pytest.mark.django_db
STAR = (
    "stability",
    "money",
    "physical_health",
    "emotional_wellbeing",
    "family",
    "self_esteem",
    "skills",
    "work",
)


def post(client, url, body):
    return client.post(url, body, content_type="application/json")


def test_readings_over_the_api(world: World, signed_in) -> None:
    client = signed_in(world.advocate_k)
    person = world.household_k.members.get()
    scores = {code: {"worker": 3} for code in STAR}
    missing = post(
        client,
        "/api/readings/",
        {
            "person": person.pk,
            "date": "2026-01-05",
            "scores": {k: v for k, v in scores.items() if k != "money"},
        },
    )
    assert missing.status_code == 400 and "money" in missing.json()
    six = post(
        client,
        "/api/readings/",
        {"person": person.pk, "date": "2026-01-05", "scores": {**scores, "work": {"worker": 6}}},
    )
    assert six.status_code == 400 and "not 6" in six.json()["work"][0]
    made = post(
        client,
        "/api/readings/",
        {
            "person": person.pk,
            "date": "2026-01-05",
            "scores": {**scores, "money": {"worker": 2, "participant": 4}},
        },
    )
    assert made.status_code == 201
    assert made.json()["scores"]["money"] == {"worker": 2, "participant": 4, "value": 2}
    fixed = post(
        client,
        f"/api/readings/{made.json()['id']}/correct/",
        {"scores": scores, "reason": "Money was 3"},
    )
    assert fixed.status_code == 201 and fixed.json()["amends"] == made.json()["id"]
    assert Reading.objects.get(pk=made.json()["id"]).superseded
    outsider = signed_in(world.advocate_l)
    assert outsider.get(f"/api/readings/{made.json()['id']}/").status_code == 404
    assert (
        post(
            outsider,
            "/api/readings/",
            {"person": person.pk, "date": "2026-01-05", "scores": scores},
        ).status_code
        == 400
    )


def test_activities_and_onward_referrals_over_the_api(world: World, signed_in) -> None:
    client = signed_in(world.advocate_k)
    person = world.household_k.members.get()
    bad = post(
        client,
        "/api/activities/",
        {"person": person.pk, "activity_type": "juggling", "agreed_date": "2026-03-01"},
    )
    assert bad.status_code == 400 and "activity_type" in bad.json()
    made = post(
        client,
        "/api/activities/",
        {
            "person": person.pk,
            "activity_type": "course",
            "title": "First aid",
            "hours": "6.0",
            "agreed_date": "2026-03-01",
            "due_date": "2026-04-01",
        },
    )
    assert made.status_code == 201, made.content
    done = client.patch(
        f"/api/activities/{made.json()['id']}/",
        {"status": "completed", "completed_date": "2026-03-20"},
        content_type="application/json",
    )
    assert done.status_code == 200 and done.json()["status"] == "completed"
    referral = post(
        client,
        "/api/onward-referrals/",
        {
            "person": person.pk,
            "date": "2026-03-02",
            "service_type": "debt_advice",
            "organisation": "Demo Money Advice",
        },
    )
    assert referral.status_code == 201, referral.content
    moved = client.patch(
        f"/api/onward-referrals/{referral.json()['id']}/",
        {"status": "accepted"},
        content_type="application/json",
    )
    assert moved.json()["status"] == "accepted"
    outsider = signed_in(world.advocate_l)
    assert outsider.get("/api/activities/").json()["results"] == []
    assert (
        outsider.patch(
            f"/api/activities/{made.json()['id']}/",
            {"status": "dropped"},
            content_type="application/json",
        ).status_code
        == 404
    )


def test_contacts_over_the_api_hide_sensitive_notes(world: World, signed_in) -> None:
    household = world.household_k
    made = post(
        signed_in(world.advocate_k),
        "/api/contacts/",
        {
            "household": household.pk,
            "date": str(timezone.localdate()),
            "method": "phone",
            "notes": "Private matter",
            "sensitive": True,
        },
    )
    assert made.status_code == 201
    colleague = world.household_k2.advocate
    from pathways.households.enrolment import reassign

    reassign(actor=world.manager_k, household=household, advocate=colleague, note="Cover")
    reassign(actor=world.manager_k, household=household, advocate=world.advocate_k, note="Back")
    manager_view = signed_in(world.manager_k).get(f"/api/contacts/{made.json()['id']}/").json()
    assert manager_view["notes"] == "Private matter" and manager_view["note_hidden"] is False
    services.record_contact(
        actor=world.advocate_k, household=household, date=timezone.localdate(), method="text"
    )
    assert signed_in(colleague).get(f"/api/contacts/{made.json()['id']}/").status_code == 404


def test_the_openapi_schema_is_valid_without_warnings() -> None:
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", "/dev/null")
