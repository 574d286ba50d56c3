"""`pathways generate --households N [--seed S] [--as-of DATE] OUT`: a synthetic programme."""

from __future__ import annotations

import datetime as dt
import time
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from pathways.exchange.generate import Settings, generate


class Command(BaseCommand):
    help = "Write an exchange bundle of invented households that follow the source documents."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("out", type=Path, help="The folder to write the bundle to")
        parser.add_argument("--households", type=int, required=True)
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument("--programme", default="households-into-work")
        parser.add_argument(
            "--as-of", default="2019-03-31", help="The last day the records reach (YYYY-MM-DD)"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["households"] < 1:
            raise CommandError("--households must be 1 or more")
        try:
            as_of = dt.date.fromisoformat(options["as_of"])
        except ValueError:
            raise CommandError(
                f"--as-of must be a date like 2019-03-31, not {options['as_of']!r}"
            ) from None
        out: Path = options["out"]
        if out.exists() and any(out.iterdir()):
            raise CommandError(f"{out} is not empty: choose a new folder")
        began = time.perf_counter()
        rows = generate(
            out,
            Settings(
                households=options["households"],
                seed=options["seed"],
                programme=options["programme"],
                as_of=as_of,
            ),
        )
        seconds = time.perf_counter() - began
        total = sum(rows.values())
        for name, count in rows.items():
            self.stdout.write(f"{name}: {count:,} rows")
        self.stdout.write(
            f"{total:,} rows in {seconds:.1f} s ({total / seconds:,.0f} rows/s) to {out}"
        )
