"""`pathways areas …`: load area data and ask about areas.

    pathways areas load-shipped                      the Liverpool City Region files in the package
    pathways areas load-imd FILE                     English Indices of Deprivation 2019 (by LSOA)
    pathways areas load-boundaries FILE              LSOA boundaries (GeoJSON, WGS84)
    pathways areas load-lookup FILE                  LSOA → ward → local authority lookup
    pathways areas load-indicator FILE --name N --date D [--kind K] [--column C] [--title T]
    pathways areas load-postcodes FILE               ONS postcode directory extract (pcds, lsoa11/21)
    pathways areas hotspots --area CODE --indicator CODE [--top N|all] [--at-least X]
                            [--most-deprived PCT] [--date D] [--format json|csv|text]

Each load is all or nothing, and loading the same file twice changes nothing. Households with
no LSOA are placed by `pathways place-households`; need against reach is `pathways reach`.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from pathways.areas import hotspots
from pathways.areas.loaders.boundaries import load_boundaries
from pathways.areas.loaders.imd import load_imd
from pathways.areas.loaders.indicators import load_indicator
from pathways.areas.loaders.lookup import load_lookup
from pathways.areas.loaders.postcodes import load_postcodes
from pathways.areas.loaders.reading import AreaDataRefused, Loaded
from pathways.areas.loaders.shipped import load_shipped
from pathways.areas.models import Indicator
from pathways.audit import services as audit
from pathways.audit.verbs import Verb

FILE_LOADS = {
    "load-imd": load_imd,
    "load-boundaries": load_boundaries,
    "load-lookup": load_lookup,
    "load-postcodes": load_postcodes,
}


def _decimal(text: str | None, option: str) -> Decimal | None:
    if text is None:
        return None
    try:
        value = Decimal(text.strip().rstrip("%"))
    except InvalidOperation:
        raise CommandError(f"{option} {text!r} is not a number") from None
    if not value.is_finite():
        raise CommandError(f"{option} {text!r} is not a number")
    return value


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise CommandError(f"--date {text!r} is not a date like 2024-05-01") from None


class Command(BaseCommand):
    help = "Load area data (deprivation, boundaries, wards, indicators, postcodes)."

    def add_arguments(self, parser: Any) -> None:
        actions = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
        actions.add_parser("load-shipped", help="The Liverpool City Region files in the package")
        for name in FILE_LOADS:
            action = actions.add_parser(name, help=FILE_LOADS[name].__doc__.split("\n")[0])
            action.add_argument("file", type=Path)
        indicator = actions.add_parser("load-indicator", help="Any CSV of values by LSOA code")
        indicator.add_argument("file", type=Path)
        indicator.add_argument("--name", required=True, help="The indicator's code, e.g. claimants")
        indicator.add_argument("--date", required=True, help="The date the values are for")
        indicator.add_argument("--kind", default="count", choices=sorted(Indicator.Kind.values))
        indicator.add_argument("--column", default="value", help="The column of values")
        indicator.add_argument("--title", default="", help="A readable name")
        spots = actions.add_parser("hotspots", help="An area's LSOAs ranked by an indicator")
        spots.add_argument("--area", required=True, help="E08000011, a ward, LSOA or neighbourhood")
        spots.add_argument("--indicator", required=True, help="e.g. employment_rank")
        spots.add_argument("--top", default="10", help="How many (a number, or all)")
        spots.add_argument("--date", help="Values on or before this date (default: the latest)")
        spots.add_argument("--at-least", help="Only values at least this (e.g. 0.25)")
        spots.add_argument("--at-most", help="Only values at most this")
        spots.add_argument(
            "--most-deprived", help="Only LSOAs in the most deprived N%% nationally (1, 5, 10)"
        )
        spots.add_argument("--format", default="text", choices=sorted(hotspots.FORMATS))

    def handle(self, *args: Any, **options: Any) -> None:
        action = options["action"]
        if action == "hotspots":
            self._hotspots(options)
            return
        try:
            if action == "load-shipped":
                done = load_shipped()
            else:
                done = [self._load_file(action, options)]
        except AreaDataRefused as refused:
            raise CommandError(
                "Nothing was loaded. Fix these problems:\n  "
                + "\n  ".join(str(p) for p in refused.problems)
            ) from None
        for loaded in done:
            self.stdout.write(loaded.what)
            for line in loaded.lines():
                self.stdout.write("  " + line)
        if any(loaded.changed for loaded in done):
            audit.record(
                actor=None,
                verb=Verb.AREAS_LOADED,
                data={loaded.what: loaded.counts for loaded in done},
                target_label=", ".join(loaded.what for loaded in done),
            )

    def _hotspots(self, options: dict[str, Any]) -> None:
        top = options["top"].strip().lower()
        if top != "all" and not top.isdigit():
            raise CommandError(f"--top {options['top']!r} is not a number (or all)")
        try:
            ranking = hotspots.rank_lsoas(
                hotspots.find_area(options["area"]),
                hotspots.find_indicator(options["indicator"]),
                top=None if top == "all" else int(top),
                date=_date(options["date"]) if options["date"] else None,
                at_least=_decimal(options["at_least"], "--at-least"),
                at_most=_decimal(options["at_most"], "--at-most"),
                most_deprived_percent=_decimal(options["most_deprived"], "--most-deprived"),
            )
        except hotspots.AreaError as error:
            raise CommandError(str(error)) from None
        self.stdout.write(hotspots.FORMATS[options["format"]](ranking), ending="")

    def _load_file(self, action: str, options: dict[str, Any]) -> Loaded:
        path: Path = options["file"]
        if not path.is_file():
            raise CommandError(f"{path} is not a file")
        with path.open("rb") as stream:
            if action == "load-indicator":
                return load_indicator(
                    stream,
                    path.name,
                    indicator=options["name"],
                    date=_date(options["date"]),
                    kind=options["kind"],
                    column=options["column"],
                    title=options["title"],
                )
            return FILE_LOADS[action](stream, path.name)
