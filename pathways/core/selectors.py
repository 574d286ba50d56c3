"""What each role's start page shows, read through the permission-scoped selectors."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Q

from pathways.accounts.models import Role, User
from pathways.households.selectors import household_list, households_visible_to
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
        if user.role == Role.TEAM_MANAGER:
            context["advocates"] = (
                User.objects.filter(
                    organisation=user.organisation, role=Role.ADVOCATE, is_active=True
                )
                .annotate(caseload_size=Count("caseload"))
                .order_by("last_name", "first_name")
            )
        return context
    if user.role == Role.ADMINISTRATOR:
        return {
            "user_count": User.objects.count(),
            "organisation_count": Organisation.objects.count(),
            "disabled_count": User.objects.filter(is_active=False).count(),
        }
    return {"programmes": programmes_for(user)}
