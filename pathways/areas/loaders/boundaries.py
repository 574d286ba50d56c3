"""LSOA boundaries: a GeoJSON FeatureCollection in longitude and latitude (WGS84)."""

from __future__ import annotations

import json
from typing import IO, Any

from django.db import transaction

from pathways.areas.loaders.reading import (
    AreaDataRefused,
    Loaded,
    first_column,
    in_chunks,
    lsoa_code,
    refuse_if,
)
from pathways.areas.loaders.writing import write_lsoas
from pathways.areas.models import Lsoa
from pathways.core.problems import Problem

GEOMETRIES = {"Polygon", "MultiPolygon"}
MAX_BOUNDARY_BYTES = 200 * 1024 * 1024


def _ring_ok(ring: Any) -> bool:
    return (
        isinstance(ring, list)
        and len(ring) >= 4
        and all(
            isinstance(p, list)
            and len(p) >= 2
            and all(isinstance(v, int | float) and not isinstance(v, bool) for v in p[:2])
            and -180 <= p[0] <= 180
            and -90 <= p[1] <= 90
            for p in ring
        )
    )


def _geometry_problem(geometry: Any) -> str:
    kind = geometry.get("type") if isinstance(geometry, dict) else None
    if not isinstance(kind, str) or kind not in GEOMETRIES:
        return "has no Polygon or MultiPolygon geometry"
    polygons = (
        [geometry.get("coordinates")]
        if geometry["type"] == "Polygon"
        else geometry.get("coordinates")
    )
    if not isinstance(polygons, list) or not polygons:
        return "has no coordinates"
    for polygon in polygons:
        if not isinstance(polygon, list) or not polygon or not all(map(_ring_ok, polygon)):
            return "has coordinates that are not longitude and latitude rings (is it WGS84?)"
    return ""


def load_boundaries(stream: IO[bytes], name: str) -> Loaded:
    """A GeoJSON FeatureCollection of LSOA boundaries in longitude and latitude (WGS84), each
    feature's LSOA code in a property like LSOA11CD or LSOA21CD. The LSOAs must be known (load
    the indices or the lookup first); a feature of another LSOA is refused."""
    raw = stream.read(MAX_BOUNDARY_BYTES + 1)
    if len(raw) > MAX_BOUNDARY_BYTES:
        raise AreaDataRefused([Problem(name, 0, "", "", "is larger than 200 MB")])
    try:
        document = json.loads(raw.decode("utf-8-sig"))
    except (UnicodeDecodeError, ValueError) as error:
        raise AreaDataRefused([Problem(name, 0, "", "", f"is not GeoJSON ({error})")]) from None
    features = document.get("features") if isinstance(document, dict) else None
    if not isinstance(features, list) or not features:
        raise AreaDataRefused([Problem(name, 0, "", "", "is not a GeoJSON FeatureCollection")])
    problems: list[Problem] = []
    wanted: dict[str, Any] = {}
    for number, feature in enumerate(features, start=1):
        where = f"feature {number}"
        properties = feature.get("properties") if isinstance(feature, dict) else None
        if not isinstance(properties, dict):
            properties = {}
        properties = {str(k).lower(): v for k, v in properties.items()}
        key = first_column(properties, "lsoa11cd", "lsoa21cd", "lsoa_code", "code")
        if key is None:
            problems.append(Problem(name, 0, where, "", "has no LSOA11CD or LSOA21CD property"))
            continue
        try:
            code = lsoa_code(str(properties[key]))
        except ValueError as error:
            problems.append(Problem(name, 0, where, str(properties[key]), str(error)))
            continue
        why = _geometry_problem(feature.get("geometry"))
        if why:
            problems.append(Problem(name, 0, where, code, why))
            continue
        if code in wanted:
            problems.append(Problem(name, 0, where, code, "appears twice"))
            continue
        wanted[code] = feature["geometry"]
    known = {
        code
        for codes in in_chunks(wanted)
        for code in Lsoa.objects.filter(code__in=codes).values_list("code", flat=True)
    }
    problems += [
        Problem(
            name, 0, "", code, "is not an LSOA Pathways knows: load the indices or the lookup first"
        )
        for code in wanted
        if code not in known
    ]
    refuse_if(problems)
    loaded = Loaded(f"{name}: LSOA boundaries")
    with transaction.atomic():
        write_lsoas({code: {"boundary": geometry} for code, geometry in wanted.items()}, "", loaded)
    return loaded
