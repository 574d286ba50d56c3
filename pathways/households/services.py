"""Writing households. The households issue adds referral, enrolment and editing."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from pathways.audit import services as audit
from pathways.households.models import Household, Person


@transaction.atomic
def create_household(*, actor: Any, members: list[dict[str, Any]], **fields: Any) -> Household:
    """Create a household with its members, audited."""
    household = Household.objects.create(**fields)
    for member in members:
        Person.objects.create(household=household, **member)
    audit.record(
        actor=actor,
        verb="household.created",
        target=household,
        programme=household.programme,
        data={"members": len(members), "reference": household.reference},
    )
    return household


def record_household_viewed(*, actor: Any, household: Household) -> None:
    """Audit that a user opened a household's record (and so its people's)."""
    audit.record(
        actor=actor,
        verb="household.viewed",
        target=household,
        programme=household.programme,
        data={"people": [person.pk for person in household.members.all()]},
    )
