"""`pathways place-households`: households with no LSOA, placed by their postcode (after loading
a postcode directory with `pathways areas load-postcodes`)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from pathways.households.places import place_unplaced_households


class Command(BaseCommand):
    help = "Place households with no LSOA by their postcode."

    def handle(self, *args: Any, **options: Any) -> None:
        self.stdout.write(f"{place_unplaced_households():,} households placed in their LSOA")
