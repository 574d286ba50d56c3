"""Reading organisations and their users (administrators' pages)."""

from __future__ import annotations

from django.db.models import Count, QuerySet

from pathways.accounts.models import User
from pathways.organisations.models import Organisation


def organisation_list() -> QuerySet[Organisation]:
    return (
        Organisation.objects.select_related("local_authority")
        .annotate(
            user_count=Count("users", distinct=True), team_count=Count("teams", distinct=True)
        )
        .order_by("name")
    )


def user_list() -> QuerySet[User]:
    return User.objects.select_related("organisation", "team").order_by("username")
