"""Reads about places."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from pathways.areas.models import LocalAuthority


def local_authority_by_code_or_name(value: str) -> LocalAuthority | None:
    """The local authority an ONS code (E08000012) or a name (Liverpool, any case) refers to."""
    value = value.strip()
    if not value:
        return None
    return LocalAuthority.objects.filter(Q(code__iexact=value) | Q(name__iexact=value)).first()


def all_local_authorities() -> QuerySet[LocalAuthority]:
    """Every local authority Pathways knows, by name."""
    return LocalAuthority.objects.order_by("name")
