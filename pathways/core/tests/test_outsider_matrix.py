"""The outsider matrix: for every kind of record (household, person, reading, activity, goal,
note, appointment, onward referral, exit step, spend request, receipt, ledger, outcome, work,
claim, data protection record, subject access export) and every verb (view, change, delete,
export), a user of another authority, another caseload or another programme is refused
(403/404; 405 where the method itself is refused first) and the database does not change.
Lists, search and exports return exactly the permitted set (ids compared, not counts)."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import zipfile
from decimal import Decimal

import pytest
from django.apps import apps
from django.core import serializers
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from pathways.assessments import services as assessments
from pathways.assessments.tests.test_readings_and_plans import all_points, star
from pathways.budgets import receipts, spend_requests
from pathways.budgets.models import Budget
from pathways.casework import action_plans, exit_plans, onward_referrals
from pathways.casework import services as casework
from pathways.conftest import World
from pathways.core.tests.test_access_rules import all_patterns
from pathways.households.models import Household
from pathways.households.rules import name_key
from pathways.outcomes.models import EmploymentSpell, Outcome
from pathways.outcomes.spells import record_spell
from pathways.outcomes.tests.test_outcome_pages import START, dwp_claim, verified
from pathways.privacy import services as privacy

PDF = b"%PDF-1.4\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n"
OUTSIDERS = ["advocate_l", "manager_l", "win_manager", "advocate_k2"]
UNTOUCHED = {"audit.auditevent", "sessions.session", "axes.accessattempt", "axes.accesslog"}


def everything(world: World) -> dict[str, int]:
    """One record of every kind on Knowsley's household; their ids by URL parameter name."""
    household = world.household_k
    person = household.members.get()
    person.family_name = "Outsiderproofname"
    person.save()
    today = timezone.localdate()
    verified(world, household, world.advocate_k, world.manager_k)
    claim = dwp_claim(world)
    reading = assessments.record_reading(
        actor=world.advocate_k, person=person, instrument=star(), date=today, scores=all_points()
    )
    activity = action_plans.add_activity(
        actor=world.advocate_k,
        person=person,
        activity_type="money_advice",
        title="Budgeting course",
        agreed_date=today,
    )
    action_plans.add_goal(
        actor=world.advocate_k, person=person, description="A job", agreed_date=today
    )
    appointment = casework.book_appointment(
        actor=world.advocate_k,
        household=household,
        starts_at=timezone.now() - dt.timedelta(days=1),
        method="home_visit",
    )
    referral = onward_referrals.record_onward_referral(
        actor=world.advocate_k,
        person=person,
        date=today,
        service_type="jobcentre_plus",
        organisation="JCP",
    )
    step = exit_plans.add_exit_step(
        actor=world.advocate_k, household=household, description="Hand over", due_date=today
    )
    casework.record_contact(
        actor=world.advocate_k, household=household, date=today, method="phone", notes="A note"
    )
    spend = spend_requests.request_spend(
        actor=world.advocate_k, household=household, category="clothing", amount_pence=4_500
    )
    receipt = receipts.add_receipt(
        actor=world.advocate_k, request=spend, upload=SimpleUploadedFile("shoes.pdf", PDF)
    )
    asked = privacy.record_subject_access(actor=world.manager_k, person=person, received_on=today)
    return {
        "pk": household.pk,
        "person_pk": person.pk,
        "reading_pk": reading.pk,
        "activity_pk": activity.pk,
        "appointment_pk": appointment.pk,
        "referral_pk": referral.pk,
        "step_pk": step.pk,
        "request_pk": spend.pk,
        "receipt_pk": receipt.pk,
        "outcome_pk": Outcome.objects.filter(household=household).first().pk,
        "spell_pk": EmploymentSpell.objects.get(person=person).pk,
        "claim_pk": claim.pk,
        "record_pk": person.processing_records.first().pk,
        "form": "json",
        "sar_pk": asked.pk,
    }


API_OBJECTS = {
    "households": "pk",
    "people": "person_pk",
    "readings": "reading_pk",
    "activities": "activity_pk",
    "onward-referrals": "referral_pk",
    "spend-requests": "request_pk",
    "employment-spells": "spell_pk",
    "outcomes": "outcome_pk",
    "budgets": None,  # filled below
}


def record_urls(ids: dict[str, int], budget_pk: int) -> list[str]:
    """Every page and endpoint that names one of the household's records."""
    urls = []
    for route, _ in all_patterns():
        if "format" in route:
            continue
        if route.startswith("api/"):
            found = re.match(r"api/\^([\w-]+)/\(\?P<pk>[^)]*\)/(\w+/)?\$$", route)
            if found is None:
                continue
            resource, action = found.group(1), found.group(2) or ""
            key = API_OBJECTS.get(resource, "missing")
            if resource == "budgets":
                urls.append(f"/api/budgets/{budget_pk}/{action}")
            elif key in ids:
                urls.append(f"/api/{resource}/{ids[key]}/{action}")
            continue
        names = re.findall(r"<(?:\w+:)?(\w+)>", route)
        if not names or not route.startswith(("households/<int:pk>", "outcomes/")):
            continue
        values = dict(ids)
        if "subject-access/<int:request_pk>" in route:
            values["request_pk"] = ids["sar_pk"]
        if not all(name in values for name in names):
            continue
        url = "/" + route
        for name in names:
            url = re.sub(rf"<(?:\w+:)?{name}>", str(values[name]), url)
        urls.append(url)
    return urls


def database(world: World) -> dict[str, str]:
    return {
        model._meta.label_lower: serializers.serialize("json", model._base_manager.order_by("pk"))
        for model in apps.get_models()
        if model._meta.label_lower not in UNTOUCHED
    }


@pytest.mark.parametrize("outsider", OUTSIDERS)
def test_an_outsider_can_do_nothing_to_any_record(world: World, signed_in, outsider: str) -> None:
    ids = everything(world)
    budget_pk = world.household_k.budget.pk
    urls = record_urls(ids, budget_pk)
    assert len(urls) > 50, "the walk found too few record pages to prove much"
    assert any("/api/" in u for u in urls) and any("claims" in u for u in urls)
    # advocate_k2: the same council, another advocate's caseload.
    user = world.household_k2.advocate if outsider == "advocate_k2" else world.by_name(outsider)
    client = signed_in(user)
    before = database(world)
    let_in = []
    for url in urls:
        api = url.startswith("/api/")
        attempts = [("get", {}), ("post", {"reason": "x", "decision": "approve"})]
        if api:
            attempts += [("patch", {}), ("put", {}), ("delete", {})]
        for method, data in attempts:
            call = getattr(client, method)
            response = call(url, data, content_type="application/json") if api else call(url, data)
            if response.status_code not in (403, 404, 405):
                let_in.append(f"{method.upper()} {url}: {response.status_code}")
            elif b"Outsiderproofname" in response.content:
                let_in.append(f"{method.upper()} {url}: the name in a refusal")
    assert let_in == []
    assert database(world) == before


# --- lists, search and exports return exactly the permitted set -----------------------------

VISIBLE = {
    "advocate_k": {"household_k"},
    "manager_k": {"household_k", "household_k2", "household_win"},
    "advocate_l": {"household_l"},
    "manager_l": {"household_l"},
    "programme_manager": {"household_k", "household_k2", "household_l"},
    "win_manager": {"household_win"},
}
API_LISTS = (
    "people",
    "readings",
    "activities",
    "contacts",
    "employment-spells",
    "outcomes",
    "budgets",
)


@pytest.fixture
def one_of_each_everywhere(world: World) -> World:
    today = timezone.localdate()
    for name in ("household_k", "household_k2", "household_l", "household_win"):
        household: Household = world.by_name(name)
        person = household.members.get()
        person.family_name, person.family_key = "Commonname", name_key("Commonname")
        person.save()
        actor = household.advocate
        casework.record_contact(actor=actor, household=household, date=today, method="phone")
        assessments.record_reading(
            actor=actor, person=person, instrument=star(), date=today, scores=all_points()
        )
        action_plans.add_activity(
            actor=actor, person=person, activity_type="course", title="Course", agreed_date=today
        )
        record_spell(
            actor=actor,
            person=person,
            start_date=START,
            end_date=START + dt.timedelta(days=100),
            hours_per_week=Decimal(30),
        )
    return world


@pytest.mark.parametrize("role", sorted(VISIBLE))
def test_lists_search_and_exports_hold_exactly_the_permitted_records(
    one_of_each_everywhere: World, signed_in, role: str
) -> None:
    world = one_of_each_everywhere
    households = {world.by_name(name).pk for name in VISIBLE[role]}
    people = {world.by_name(name).members.get().pk for name in VISIBLE[role]}
    client = signed_in(world.by_name(role))
    for resource in API_LISTS:
        rows = client.get(f"/api/{resource}/?page_size=500").json()["results"]
        owners = {row.get("household") or row.get("household_id") for row in rows} - {None}
        persons = {row["person"] for row in rows if "person" in row}
        if resource == "people":
            assert {row["id"] for row in rows} == people, resource
        elif resource == "budgets":  # WIN gives no budget
            with_budget = set(Budget.objects.values_list("household_id", flat=True))
            assert owners == households & with_budget
        elif owners:
            assert owners == households, resource
        else:
            assert persons == people, resource
    found = client.post(reverse("households:search"), {"q": "Commonname"}, follow=True)
    assert {h.pk for h in found.context["households"]} == households
    page = client.get(reverse("households:list"))
    assert {h.pk for h in page.context["households"]} == households
    if role in ("manager_k", "manager_l", "programme_manager"):
        response = client.post(reverse("exchange:download"), {"programme": world.hiw.code})
        bundle = zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))
        refs = {
            row["household_ref"]
            for row in csv.DictReader(io.StringIO(bundle.read("households.csv").decode()))
        }
        expected = {
            world.by_name(n).reference
            for n in VISIBLE[role]
            if world.by_name(n).programme == world.hiw
        }
        assert refs == expected
