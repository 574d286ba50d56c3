"""Writing places."""

from __future__ import annotations

from pathways.areas.models import LocalAuthority

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
