"""Due dates follow the records: one household when its records change, every started
household of a programme when the interval between star readings changes."""

from __future__ import annotations

from typing import Any

from django.dispatch import receiver

from pathways.casework.due_dates import refresh_household_due_dates, refresh_programme_due_dates
from pathways.households.models import Household
from pathways.households.signals import records_changed
from pathways.programmes.models import Programme
from pathways.programmes.signals import programme_changed

INTERVAL = "star_reading_interval_weeks"


@receiver(records_changed)
def due_dates_after_a_change(sender: Any, household: Household, **kwargs: Any) -> None:
    refresh_household_due_dates(household)


@receiver(programme_changed)
def due_dates_after_a_new_interval(
    sender: Any, programme: Programme, before: dict, after: dict, **kwargs: Any
) -> None:
    if before.get("measures", {}).get(INTERVAL) != after.get("measures", {}).get(INTERVAL):
        refresh_programme_due_dates(programme)
