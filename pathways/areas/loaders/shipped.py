"""The Liverpool City Region files shipped with Pathways, in `pathways/areas/data/`."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from django.db import transaction

from pathways.areas.loaders.boundaries import load_boundaries
from pathways.areas.loaders.imd import load_imd
from pathways.areas.loaders.lookup import load_lookup
from pathways.areas.loaders.postcodes import load_postcodes
from pathways.areas.loaders.reading import Loaded

LOADERS: dict[str, Callable[..., Loaded]] = {
    "imd": load_imd,
    "lookup": load_lookup,
    "boundaries": load_boundaries,
    "postcodes": load_postcodes,
}

SHIPPED = Path(__file__).resolve().parent.parent / "data"
SHIPPED_FILES = [
    ("imd", "imd2019_lcr_lsoa.csv"),
    ("lookup", "lcr_lsoa11_ward19_lookup.csv"),
    ("boundaries", "lcr_lsoa11_boundaries.geojson"),
]


def load_shipped() -> list[Loaded]:
    """The Liverpool City Region's 989 LSOAs, their indices, wards and boundaries (idempotent:
    a second run changes nothing)."""
    done = []
    with transaction.atomic():
        for kind, filename in SHIPPED_FILES:
            with (SHIPPED / filename).open("rb") as stream:
                done.append(LOADERS[kind](stream, filename))
    return done
