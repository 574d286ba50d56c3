"""Opening one household: 404 for anything outside the user's reach."""

from __future__ import annotations

from typing import Any

from django.shortcuts import get_object_or_404

from pathways.accounts.models import User
from pathways.households.models import Household
from pathways.households.selectors import households_visible_to


def get_household_for_user(user: User, pk: int) -> Household:
    """The household if the user may see it, else Http404 (never a hint that it exists)."""
    return get_object_or_404(
        households_visible_to(user).select_related(
            "programme", "local_authority", "advocate", "organisation"
        ),
        pk=pk,
    )


def get_person_for_user(user: User, pk: int, person_pk: int) -> tuple[Household, Any]:
    """A member of a household the user may see, else Http404."""
    from django.http import Http404

    household = get_household_for_user(user, pk)
    person = household.members.filter(pk=person_pk).first()
    if person is None:
        raise Http404("No such person in this household")
    return household, person
