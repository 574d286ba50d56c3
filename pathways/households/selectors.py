"""Reading households: the one permission-scoped path to case data.

Everything that lists, searches, exports or opens a household or a person starts here.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Count, QuerySet

from pathways.accounts.models import Role
from pathways.households.models import Household, Person


def households_visible_to(user: Any) -> QuerySet[Household]:
    """The households a user may see; none unless their role grants some (deny by default)."""
    households = Household.objects.all()
    if not (user.is_authenticated and user.is_active):
        return households.none()
    if user.role == Role.ADVOCATE:
        return households.filter(advocate=user)
    if user.role == Role.TEAM_MANAGER and user.organisation_id:
        return households.filter(organisation_id=user.organisation_id)
    if user.role == Role.PROGRAMME_MANAGER:
        return households.filter(programme__in=user.programmes.all())
    return households.none()


def people_visible_to(user: Any) -> QuerySet[Person]:
    """The people a user may see: members of the households they may see."""
    return Person.objects.filter(household__in=households_visible_to(user))


def household_list(user: Any) -> QuerySet[Household]:
    """Households for a list page, with what each row shows fetched up front."""
    return (
        households_visible_to(user)
        .select_related("programme", "local_authority", "advocate", "organisation")
        .annotate(member_count=Count("members"))
        .order_by("reference")
    )
