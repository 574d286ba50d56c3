"""`pathways export --programme CODE OUT [--names]`: write a programme's exchange bundle."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from pathways.audit import services as audit
from pathways.audit.verbs import Verb
from pathways.exchange.export import export_bundle
from pathways.households.models import Household
from pathways.programmes.models import Programme


class Command(BaseCommand):
    help = "Write every record of a programme as an exchange bundle (a folder, or a .zip)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("out", type=Path, help="A new folder, or a file name ending in .zip")
        parser.add_argument("--programme", required=True, help="The programme's code")
        parser.add_argument(
            "--names",
            action="store_true",
            help="Also write names and first lines of addresses (to move the programme)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        code = options["programme"]
        programme = Programme.objects.filter(code=code).first()
        if programme is None:
            known = ", ".join(Programme.objects.order_by("code").values_list("code", flat=True))
            raise CommandError(f"There is no programme {code!r}. Programmes: {known or 'none'}")
        out: Path = options["out"]
        if out.exists() and (out.is_file() or any(out.iterdir())):
            raise CommandError(f"{out} already exists: choose a new folder or file name")
        began = time.perf_counter()
        rows = export_bundle(
            out,
            programme=programme,
            households=Household.objects.all(),
            names=options["names"],
        )
        audit.record(
            actor=None,
            verb=Verb.EXCHANGE_EXPORTED,
            programme=programme,
            data={"rows": rows, "names": options["names"], "to": str(out)},
            target_label=f"{programme.code} bundle",
        )
        seconds = time.perf_counter() - began
        for name, count in rows.items():
            self.stdout.write(f"{name}: {count:,} rows")
        total = sum(rows.values())
        self.stdout.write(
            f"{total:,} rows in {seconds:.1f} s ({total / max(seconds, 0.001):,.0f} rows/s) to {out}"
        )
