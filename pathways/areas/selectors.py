"""Reads about places."""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import Q, QuerySet

from pathways.areas.models import LocalAuthority, Lsoa, Postcode


def local_authority_by_code_or_name(value: str) -> LocalAuthority | None:
    """The local authority an ONS code (E08000012) or a name (Liverpool, any case) refers to."""
    value = value.strip()
    if not value:
        return None
    return LocalAuthority.objects.filter(Q(code__iexact=value) | Q(name__iexact=value)).first()


def all_local_authorities() -> QuerySet[LocalAuthority]:
    """Every local authority Pathways knows, by name."""
    return LocalAuthority.objects.order_by("name")


def lsoas_for_postcodes(keys: Iterable[str]) -> dict[str, str]:
    """{postcode key ("L369GD"): LSOA code} for the postcodes the loaded postcode directory
    places: the 2011 LSOA where Pathways holds it (the Indices of Deprivation 2019 are of 2011
    LSOAs), else the 2021 one, else whichever the directory gives."""
    wanted = sorted({key for key in keys if key})
    found: dict[str, tuple[str, str]] = {}
    for start in range(0, len(wanted), 2000):
        for key, l11, l21 in Postcode.objects.filter(
            key__in=wanted[start : start + 2000]
        ).values_list("key", "lsoa11", "lsoa21"):
            found[key] = (l11, l21)
    codes = sorted({code for pair in found.values() for code in pair if code})
    held: set[str] = set()
    for start in range(0, len(codes), 2000):
        held |= set(
            Lsoa.objects.filter(code__in=codes[start : start + 2000]).values_list("code", flat=True)
        )
    placed = {}
    for key, (l11, l21) in found.items():
        code = next((c for c in (l11, l21) if c and c in held), l11 or l21)
        if code:
            placed[key] = code
    return placed
