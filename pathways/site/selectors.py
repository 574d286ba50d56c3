"""What each role's start page shows, read through the permission-scoped selectors."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Q

from pathways.accounts.models import User
from pathways.core.roles import Role
from pathways.households.selectors import (
    caseload,
    caseload_summary,
    household_list,
    households_visible_to,
    team_caseloads,
)
from pathways.organisations.models import Organisation
from pathways.programmes.selectors import programmes_for


def start_page_context(user: User) -> dict[str, Any]:
    """The figures and lists for a user's start page."""
    if user.role in (Role.ADVOCATE, Role.TEAM_MANAGER, Role.PROGRAMME_MANAGER):
        households = households_visible_to(user)
        summary = households.aggregate(
            total=Count("id"),
            started=Count("id", filter=Q(start_date__isnull=False, end_date__isnull=True)),
            referred=Count("id", filter=Q(start_date__isnull=True)),
        )
        context: dict[str, Any] = {
            "summary": summary,
            "recent": household_list(user)[:10],
            "programmes": programmes_for(user),
        }
        if user.role == Role.ADVOCATE:
            context["caseload"] = caseload(user)[:10]
            context["caseload_summary"] = caseload_summary(user)
        if user.role == Role.TEAM_MANAGER:
            context["team"] = team_caseloads(user)
        return context
    if user.role == Role.ADMINISTRATOR:
        return {
            "user_count": User.objects.count(),
            "organisation_count": Organisation.objects.count(),
            "disabled_count": User.objects.filter(is_active=False).count(),
        }
    return {"programmes": programmes_for(user)}
