"""`pathways areas …`: load area data and ask about areas.

    pathways areas load-shipped                      the Liverpool City Region files in the package
    pathways areas load-imd FILE                     English Indices of Deprivation 2019 (by LSOA)
    pathways areas load-boundaries FILE              LSOA boundaries (GeoJSON, WGS84)
    pathways areas load-lookup FILE                  LSOA → ward → local authority lookup
    pathways areas load-indicator FILE --name N --date D [--kind K] [--column C] [--title T]
    pathways areas load-postcodes FILE               ONS postcode directory extract (pcds, lsoa11/21)

Each load is all or nothing, and loading the same file twice changes nothing.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from pathways.areas import loaders
from pathways.audit import services as audit

FILE_LOADS = {
    "load-imd": loaders.load_imd,
    "load-boundaries": loaders.load_boundaries,
    "load-lookup": loaders.load_lookup,
    "load-postcodes": loaders.load_postcodes,
}


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
        indicator.add_argument(
            "--kind", default="count", choices=sorted(loaders.Indicator.Kind.values)
        )
        indicator.add_argument("--column", default="value", help="The column of values")
        indicator.add_argument("--title", default="", help="A readable name")

    def handle(self, *args: Any, **options: Any) -> None:
        action = options["action"]
        try:
            if action == "load-shipped":
                done = loaders.load_shipped()
            else:
                done = [self._load_file(action, options)]
        except loaders.AreaDataRefused as refused:
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
                verb="areas.loaded",
                data={loaded.what: loaded.counts for loaded in done},
                target_label=", ".join(loaded.what for loaded in done),
            )

    def _load_file(self, action: str, options: dict[str, Any]) -> loaders.Loaded:
        path: Path = options["file"]
        if not path.is_file():
            raise CommandError(f"{path} is not a file")
        with path.open("rb") as stream:
            if action == "load-indicator":
                return loaders.load_indicator(
                    stream,
                    path.name,
                    indicator=options["name"],
                    date=_date(options["date"]),
                    kind=options["kind"],
                    column=options["column"],
                    title=options["title"],
                )
            return FILE_LOADS[action](stream, path.name)
