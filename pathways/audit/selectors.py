"""Searching the audit log, scoped to what the user may oversee."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth.base_user import AbstractBaseUser
from django.db.models import QuerySet

from pathways.audit.models import AuditEvent
from pathways.core.roles import Role


def events_visible_to(user: AbstractBaseUser) -> QuerySet[AuditEvent]:
    """Programme managers see their programmes' events; administrators see account events."""
    events = AuditEvent.objects.select_related("programme")
    if not (user.is_authenticated and user.is_active):
        return events.none()
    if user.role == Role.PROGRAMME_MANAGER:
        return events.filter(programme__in=user.programmes.all())
    if user.role == Role.ADMINISTRATOR:
        return events.filter(programme__isnull=True)
    return events.none()


def search_events(
    user: AbstractBaseUser,
    *,
    actor: str = "",
    verb: str = "",
    target_type: str = "",
    target_id: str = "",
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
) -> QuerySet[AuditEvent]:
    events = events_visible_to(user)
    if actor:
        events = events.filter(actor_label__icontains=actor)
    if verb:
        events = events.filter(verb__icontains=verb)
    if target_type:
        events = events.filter(target_type=target_type)
    if target_id:
        events = events.filter(target_id=target_id)
    if date_from:
        events = events.filter(at__date__gte=date_from)
    if date_to:
        events = events.filter(at__date__lte=date_to)
    return events.order_by("-at", "-id")
