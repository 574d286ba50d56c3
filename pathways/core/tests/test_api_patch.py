"""Every PATCH the API offers changes only what it is sent.

The endpoints are found from the URL resolver, so a new one fails here until it has a record
to change below; each field it lets a PATCH write is sent alone, and every other field (as the
API's GET shows it, and as the database row holds it) must come back as it was.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import pytest
from django.db import models
from django.urls import URLResolver, get_resolver, reverse
from rest_framework.test import APIRequestFactory

from pathways.casework.models import Activity, OnwardReferral
from pathways.conftest import World
from pathways.households.models import Household, Person
from pathways.households.tests.factories import PersonFactory
from pathways.outcomes.models import EmploymentSpell

pytestmark = pytest.mark.django_db

# Kept by the record itself on every change.
BOOKKEEPING = {"updated_at", "version"}


def patch_endpoints() -> dict[str, type]:
    """{URL name: view class} of every API route that answers PATCH."""
    found: dict[str, type] = {}

    def walk(patterns: list[Any]) -> None:
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                walk(pattern.url_patterns)
                continue
            view = getattr(pattern.callback, "cls", None)
            actions = getattr(pattern.callback, "actions", None)
            patches = "patch" in actions if actions is not None else hasattr(view, "patch")
            if view is not None and patches and "patch" in view.http_method_names:
                found[pattern.name] = view

    walk(get_resolver().url_patterns)
    return found


@dataclass
class Case:
    make: Callable[[World], models.Model]
    # The value each writable field is changed to, in order (a callable gets the record).
    changes: dict[str, Any]
    # What a change of one field changes with it, by rule (the LSOA follows the postcode).
    derived: dict[str, set[str]] = field(default_factory=dict)


def _household(world: World) -> Household:
    household = world.household_k
    household.lsoa = "E01006512"
    household.landlord = "Knowsley Housing Trust"
    household.save()
    return household


def _partner(world: World) -> Person:
    return PersonFactory(household=world.household_k, role="partner", joined_on=dt.date(2018, 5, 1))


def of_the_primary(model: type[models.Model], **fields: Any) -> Callable[[World], Any]:
    """A record of the household's primary householder, made with `fields`."""

    def make(world: World) -> Any:
        primary = world.household_k.members.get(role="primary")
        return model.objects.create(person=primary, **fields)

    return make


def other_choice(name: str) -> Callable[[models.Model], str]:
    """A code of the field's choices that the record does not have now."""

    def pick(record: models.Model) -> str:
        choices = record._meta.get_field(name).choices
        return next(code for code, _ in choices if code and code != getattr(record, name))

    return pick


CASES = {
    "household-detail": Case(
        _household,
        {
            "address_line_1": "2 New Road",
            "address_line_2": "Flat 3",
            "town": "Huyton",
            "postcode": "L36 1AB",
            "lsoa": "E01006513",
            "local_authority": "E08000012",
            "income_band": other_choice("income_band"),
            "debt_band": other_choice("debt_band"),
            "tenure": other_choice("tenure"),
            "landlord": "Bright Homes",
        },
        derived={"postcode": {"postcode_key", "lsoa"}},
    ),
    "person-detail": Case(
        _partner,
        {
            "given_name": "Robin",
            "family_name": "Newname",
            "date_of_birth": "1980-01-02",
            "age_band": other_choice("age_band"),
            "role": "adult",
            "participant": lambda person: not person.participant,
            "gender": other_choice("gender"),
            "ethnicity": other_choice("ethnicity"),
            "work_status": "part_time",
            "time_since_work": other_choice("time_since_work"),
            "benefits": ["universal_credit"],
            "qualification": other_choice("qualification"),
            "support_needs": ["carer"],
            "phone": "07700 900999",
            "email": "robin@example.com",
            "joined_on": "2019-01-01",
            "left_on": "2026-01-01",
        },
        derived={"given_name": {"given_key"}, "family_name": {"family_key"}},
    ),
    "activity-detail": Case(
        of_the_primary(
            Activity,
            activity_type="course",
            title="First aid",
            agreed_date=dt.date(2026, 3, 1),
            status=Activity.Status.COMPLETED,
            completed_date=dt.date(2026, 3, 20),
        ),
        {"completed_date": "2026-03-21", "status": "in_progress"},
        # Only a completed activity has a completed date.
        derived={"status": {"completed_date"}},
    ),
    "onward-referral-detail": Case(
        of_the_primary(
            OnwardReferral,
            date=dt.date(2026, 3, 2),
            service_type="debt_advice",
            organisation="Demo Money Advice",
        ),
        {"status": "accepted"},
    ),
    "employment-spell-detail": Case(
        of_the_primary(
            EmploymentSpell,
            employer="Acme",
            job_title="Clerk",
            start_date=dt.date(2026, 2, 1),
            hours_per_week=Decimal("20"),
        ),
        {
            "employer": "Beta Ltd",
            "job_title": "Porter",
            "start_date": "2026-02-02",
            "end_date": "2026-06-30",
            "hours_per_week": "25.00",
            "self_employed": True,
            "evidence": "payslip",
        },
    ),
}
ENDPOINTS = patch_endpoints()


def test_every_patch_endpoint_has_a_case_here() -> None:
    assert sorted(ENDPOINTS) == sorted(CASES), "add a Case for each new PATCH endpoint"


def test_no_endpoint_takes_a_put(world: World, signed_in) -> None:
    """PUT would replace a whole record with whatever was sent: refused everywhere."""
    client = signed_in(world.advocate_k)
    for name, view in ENDPOINTS.items():
        assert "put" not in view.http_method_names, name
        record = CASES[name].make(world)
        url = reverse(name, args=[record.pk])
        assert client.put(url, {}, content_type="application/json").status_code == 405, name


def writable_fields(view: type, record: models.Model, user: Any) -> set[str]:
    """The fields the endpoint's serializer lets a PATCH of this record write."""
    request = APIRequestFactory().patch("/")
    request.user = user
    viewset = view(request=request, format_kwarg=None, action="partial_update", kwargs={})
    serializer = viewset.get_serializer_class()(record, context={"request": request})
    return {name for name, f in serializer.fields.items() if not f.read_only}


def row(record: models.Model) -> dict[str, Any]:
    record.refresh_from_db()
    return {f.name: getattr(record, f.attname) for f in record._meta.concrete_fields}


@pytest.mark.parametrize("name", sorted(CASES))
def test_a_patch_of_one_field_leaves_every_other_field_as_it_was(
    world: World, signed_in, name: str
) -> None:
    client = signed_in(world.advocate_k)
    case = CASES[name]
    record = case.make(world)
    assert writable_fields(ENDPOINTS[name], record, world.advocate_k) == set(case.changes)
    url = reverse(name, args=[record.pk])
    for sent, value in case.changes.items():
        value = value(record) if callable(value) else value
        shown, held = client.get(url).json(), row(record)
        response = client.patch(url, {sent: value}, content_type="application/json")
        assert response.status_code == 200, (sent, response.content)
        now_shown, now_held = client.get(url).json(), row(record)
        assert now_shown[sent] != shown[sent], f"{name}: {sent} was not changed"
        keep = set(shown) - {sent, *BOOKKEEPING} - case.derived.get(sent, set())
        assert {k: now_shown[k] for k in keep} == {k: shown[k] for k in keep}, (name, sent)
        keep = set(held) - {sent, *BOOKKEEPING} - case.derived.get(sent, set())
        assert {k: now_held[k] for k in keep} == {k: held[k] for k in keep}, (name, sent)
