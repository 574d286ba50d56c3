"""What every change to a household does alike: the fields it may change, the note on its
timeline, the snapshot the audit log keeps, its people created, and the apps that follow the
records told."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import Any

from django.utils import timezone

from pathways.accounts.models import Actor, User
from pathways.households import rules, signals
from pathways.households.models import Household, Person, TimelineEntry

# Where the household lives, as a referral gives it.
ADDRESS_FIELDS = ("address_line_1", "address_line_2", "town", "postcode", "local_authority", "lsoa")
HOUSEHOLD_FIELDS = (
    *ADDRESS_FIELDS,
    "income_band",
    "debt_band",
    "tenure",
    "landlord",
)
PERSON_FIELDS = (
    "given_name",
    "family_name",
    "date_of_birth",
    "age_band",
    "role",
    "participant",
    "gender",
    "ethnicity",
    "work_status",
    "time_since_work",
    "benefits",
    "qualification",
    "support_needs",
    "phone",
    "email",
    "joined_on",
    "left_on",
)


def today() -> dt.date:
    return timezone.localdate()


def actor_of(actor: Actor) -> User | None:
    return actor if getattr(actor, "is_authenticated", False) else None


def note(household: Household, kind: str, summary: str, actor: Actor, on: dt.date) -> None:
    TimelineEntry.objects.create(
        household=household, on=on, kind=kind, summary=summary[:500], actor=actor_of(actor)
    )


def _plain(value: Any) -> Any:
    """A value as the audit log keeps it (JSON-safe)."""
    if isinstance(value, dt.date):
        return value.isoformat()
    if hasattr(value, "pk"):
        return str(value)
    return value


def snapshot(instance: Any, fields: Sequence[str]) -> dict[str, Any]:
    return {name: _plain(getattr(instance, name)) for name in fields}


def set_person_keys(person: Person) -> None:
    person.given_key = rules.name_key(person.given_name)
    person.family_key = rules.name_key(person.family_name)


def member_dicts(household: Household) -> list[dict[str, Any]]:
    return [
        {name: getattr(person, name) for name in PERSON_FIELDS}
        for person in household.members.all()
    ]


def create_people(household: Household, members: Sequence[Mapping[str, Any]]) -> list[Person]:
    people = []
    start = household.members.count()
    for offset, member in enumerate(members, start=1):
        person = Person(
            household=household, **{k: v for k, v in member.items() if k in PERSON_FIELDS}
        )
        person.reference = f"{household.reference}-{start + offset}"
        person.benefits = list(person.benefits or [])
        person.support_needs = list(person.support_needs or [])
        set_person_keys(person)
        person.save()
        people.append(person)
    return people


def records_changed(household: Household) -> None:
    """After a change to what the caseload and the measures read: the apps that follow the
    records are told (casework works out the due dates again, outcomes recompute)."""
    signals.records_changed.send(sender=Household, household=household)
