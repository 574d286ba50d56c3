"""Reading readings, through the permission-scoped people."""

from __future__ import annotations

from typing import Any

from django.db.models import Prefetch, QuerySet

from pathways.assessments.models import Instrument, Reading, Score
from pathways.households.selectors import people_visible_to


def instrument_for(programme: Any) -> Instrument | None:
    return Instrument.objects.filter(code=programme.instrument).prefetch_related("points").first()


def readings_visible_to(user: Any) -> QuerySet[Reading]:
    return Reading.objects.filter(person__in=people_visible_to(user))


def readings_of(person: Any) -> list[Reading]:
    """A person's readings, oldest first, each with its scores (two queries)."""
    return list(
        Reading.objects.filter(person=person)
        .select_related("instrument", "recorded_by", "amends")
        .prefetch_related(Prefetch("scores", queryset=Score.objects.select_related("point")))
        .order_by("date", "id")
    )
