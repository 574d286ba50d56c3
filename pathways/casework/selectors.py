"""Reading the service directory (not case data: every casework role may search it)."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from pathways.casework.models import Service


def directory(
    *, need: str = "", local_authority: int | None = None, service_type: str = "", text: str = ""
) -> QuerySet[Service]:
    services = Service.objects.filter(is_active=True).prefetch_related("local_authorities")
    if local_authority:
        services = services.filter(local_authorities=local_authority)
    if service_type:
        services = services.filter(service_type=service_type)
    if text:
        services = services.filter(
            Q(name__icontains=text)
            | Q(organisation__icontains=text)
            | Q(description__icontains=text)
        )
    if need:
        # Needs are a short JSON list; filter in Python over the already-narrowed rows so the
        # same code runs on SQLite and PostgreSQL.
        ids = [s.pk for s in services if need in (s.needs or [])]
        services = services.filter(pk__in=ids)
    return services.distinct().order_by("organisation", "name")
