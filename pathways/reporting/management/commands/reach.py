"""`pathways reach --programme CODE --area CODE [--to D] [--top N] [--publish]`: need against
reach for every LSOA of an area, as CSV, the most under-served first (docs/areas.md)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from pathways.areas import hotspots
from pathways.households.models import Household
from pathways.reporting import reach, services
from pathways.reporting.scope import ReportError, make_scope


class Command(BaseCommand):
    help = "Need against reach for every LSOA of an area (CSV, most under-served first)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--programme", required=True)
        parser.add_argument("--area", required=True, help="E08000011, a ward or a neighbourhood")
        parser.add_argument("--to", help="Report date (default: today)")
        parser.add_argument("--top", type=int, help="Only the first N")
        parser.add_argument(
            "--publish", action="store_true", help="The programme's disclosure rule"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            programme = services.programme_called(options["programme"])
            scope = make_scope(
                programme,
                Household.objects.all(),
                date_to=services.parse_date(options["to"], "--to") or timezone.localdate(),
                published=options["publish"],
            )
            found = reach.need_and_reach(scope, hotspots.find_area(options["area"]))
        except (ReportError, hotspots.AreaError) as error:
            raise CommandError(str(error)) from None
        self.stdout.write(reach.as_csv(found, options["top"]), ending="")
