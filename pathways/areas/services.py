"""Writing places."""

from __future__ import annotations

import re
from typing import Any

from django.db import transaction
from django.utils.text import slugify

from pathways.accounts.models import Actor
from pathways.areas.loaders.reading import LSOA_CODE
from pathways.areas.models import LocalAuthority, Lsoa, Neighbourhood
from pathways.audit import services as audit
from pathways.audit.verbs import Verb

# The six Liverpool City Region authorities (ONS codes, 2019 names), as migration 0002 adds them.
LIVERPOOL_CITY_REGION = {
    "E06000006": "Halton",
    "E08000011": "Knowsley",
    "E08000012": "Liverpool",
    "E08000013": "St Helens",
    "E08000014": "Sefton",
    "E08000015": "Wirral",
}


def ensure_liverpool_city_region() -> list[LocalAuthority]:
    """The six LCR authorities, created if missing (idempotent)."""
    return [
        LocalAuthority.objects.get_or_create(
            code=code, defaults={"name": name, "region": "Liverpool City Region"}
        )[0]
        for code, name in LIVERPOOL_CITY_REGION.items()
    ]


class NeighbourhoodError(ValueError):
    """A neighbourhood that cannot be saved (the message says why)."""


def codes_in(text: str) -> list[str]:
    """LSOA codes from text a person pasted or a CSV's cells: separated by commas, spaces,
    semicolons or lines; a header cell that is not a code ("LSOA11CD") is passed over."""
    found = []
    for token in re.split(r"[\s,;]+", text.upper()):
        token = token.strip().strip('"')
        if token and token not in found and not token.startswith("LSOA"):
            found.append(token)
    return found


@transaction.atomic
def save_neighbourhood(
    *,
    actor: Actor,
    name: str,
    codes: list[str],
    description: str = "",
    programme: Any = None,
) -> Neighbourhood:
    """A named group of LSOAs (all known to Pathways), tied to `programme` when one is given
    (a programme's chosen area: `programmes.areas.save_programme_area` checks the actor may
    set it). Audited."""
    name = " ".join(name.split())
    if not name:
        raise NeighbourhoodError("Enter a name for the neighbourhood")
    if not codes:
        raise NeighbourhoodError("Choose or enter at least one LSOA")
    bad = [c for c in codes if not LSOA_CODE.match(c)]
    if bad:
        raise NeighbourhoodError(f"These are not LSOA codes: {', '.join(bad[:10])}")
    lsoas = list(Lsoa.objects.filter(code__in=codes))
    unknown = sorted(set(codes) - {lsoa.code for lsoa in lsoas})
    if unknown:
        raise NeighbourhoodError(
            f"Pathways does not know these LSOAs (load their area data first): {', '.join(unknown[:10])}"
        )
    base = slugify(name)[:50] or "neighbourhood"
    code, n = base, 1
    while Neighbourhood.objects.filter(code=code).exists():
        n += 1
        code = f"{base}-{n}"
    hood = Neighbourhood.objects.create(
        code=code,
        name=name,
        description=description.strip(),
        programme=programme,
        created_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    hood.lsoas.set(lsoas)
    audit.record(
        actor=actor,
        verb=Verb.AREAS_NEIGHBOURHOOD_SAVED,
        programme=programme,
        data={"code": code, "lsoas": sorted(codes)},
        target_label=f"Neighbourhood {name}",
    )
    return hood
