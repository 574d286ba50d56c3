"""`pathways report NAME|pack --programme CODE [--from] [--to] [--area] [--format] [--output]
[--publish]`: a report table, or the whole pack, as reports.md says."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from pathways.households.models import Household
from pathways.reporting import formats, services
from pathways.reporting.scope import ReportError, make_scope


class Command(BaseCommand):
    help = "Write a report table (or the whole pack) for a programme, period and area."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("name", help=f"One of: {', '.join(services.REPORT_NAMES)}")
        parser.add_argument("--programme", required=True, help="The programme's code")
        parser.add_argument("--from", dest="date_from", help="Start of the period, YYYY-MM-DD")
        parser.add_argument("--to", dest="date_to", help="Report date, YYYY-MM-DD (today)")
        parser.add_argument("--area", help="A local authority's ONS code, e.g. E08000011")
        parser.add_argument(
            "--neighbourhood", help="A neighbourhood's code: households living in its LSOAs"
        )
        parser.add_argument(
            "--format", dest="form", help="text, json, csv, xlsx, ods or pdf (text; pack: pdf)"
        )
        parser.add_argument("--output", type=Path, help="The file to write (default: print)")
        parser.add_argument(
            "--publish", action="store_true", help="Apply the programme's disclosure control"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            self._report(options)
        except ReportError as error:
            raise CommandError(str(error)) from None

    def _report(self, options: dict[str, Any]) -> None:
        name = services.check_name(options["name"])
        form = services.check_format(name, options["form"] or ("pdf" if name == "pack" else "text"))
        programme = services.programme_called(options["programme"])
        scope = make_scope(
            programme,
            Household.objects.all(),
            date_to=services.parse_date(options["date_to"], "--to") or timezone.localdate(),
            date_from=services.parse_date(options["date_from"], "--from"),
            area=services.area_called(programme, options["area"]),
            neighbourhood=services.neighbourhood_called(options["neighbourhood"]),
            published=options["publish"],
        )
        output: Path | None = options["output"]
        binary = form in ("xlsx", "ods", "pdf")
        if binary and output is None:
            output = Path(formats.file_name(scope, name, form))
        if output is not None and output.parent and not output.parent.exists():
            raise ReportError(f"There is no folder {output.parent} to write {output.name} into")
        content = formats.render(scope, name, form)
        services.record_download(None, scope, name, form, via="command line")
        if output is None:
            sys.stdout.flush()
            self.stdout.write(content.decode("utf-8"), ending="")
            return
        output.write_bytes(content)
        if binary or options["verbosity"] > 1:
            self.stderr.write(f"Wrote {output} ({len(content):,} bytes)")
