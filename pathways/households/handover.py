"""Households left with an advocate who can no longer see them (moved to another organisation,
given another role or disabled): they stay assigned, and wait on the team manager's page for
reassigning."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from pathways.accounts.models import User
from pathways.core.roles import Role
from pathways.households.models import Household
from pathways.households.selectors import households_visible_to


def needs_reassigning(manager: User) -> QuerySet[Household]:
    """Open households the manager oversees whose advocate no longer works on them here."""
    gone = (
        Q(advocate__is_active=False)
        | ~Q(advocate__role=Role.ADVOCATE)
        | ~Q(advocate__organisation_id=manager.organisation_id)
    )
    return (
        households_visible_to(manager)
        .filter(status__in=[Household.Status.REFERRED, Household.Status.STARTED])
        .filter(advocate__isnull=False)
        .filter(gone)
        .select_related("programme", "advocate", "advocate__organisation")
        .order_by("reference")
    )
