"""Reading programmes."""

from __future__ import annotations

from django.db.models import QuerySet

from pathways.accounts.models import User
from pathways.core.roles import PROGRAMME_ROLES, Role
from pathways.programmes.models import Programme


def programmes_for(user: User) -> QuerySet[Programme]:
    """The programmes a user works on: their own, or those their organisation delivers."""
    programmes = Programme.objects.prefetch_related("local_authorities").order_by("name")
    if not (user.is_authenticated and user.is_active):
        return programmes.none()
    if user.role in PROGRAMME_ROLES:
        return programmes.filter(staff=user)
    if user.role in (Role.ADVOCATE, Role.TEAM_MANAGER) and user.organisation_id:
        la = user.organisation.local_authority_id
        return programmes.filter(local_authorities=la).distinct() if la else programmes.none()
    return programmes.none()


def managed_programmes(user: User) -> QuerySet[Programme]:
    """Programmes whose settings the user may change: a programme manager's own."""
    if not (user.is_authenticated and user.is_active and user.role == Role.PROGRAMME_MANAGER):
        return Programme.objects.none()
    return (
        Programme.objects.filter(staff=user).prefetch_related("local_authorities").order_by("name")
    )
