"""Reading readings, through the permission-scoped people."""

from __future__ import annotations

from typing import Any

from django.db.models import Prefetch, QuerySet

from pathways.accounts.models import User
from pathways.assessments.models import Instrument, InstrumentPoint, Reading, Score
from pathways.households.selectors import people_visible_to


def instrument_for(programme: Any) -> Instrument | None:
    return Instrument.objects.filter(code=programme.instrument).prefetch_related("points").first()


def point_names(instrument_code: str) -> dict[str, str]:
    """An instrument's scale points, code to the name people read ("Feelings and mood")."""
    return dict(
        InstrumentPoint.objects.filter(
            instrument__code=instrument_code, kind=InstrumentPoint.Kind.SCALE
        ).values_list("code", "name")
    )


def readings_visible_to(user: User) -> QuerySet[Reading]:
    return Reading.objects.filter(person__in=people_visible_to(user))


def readings_of(person: Any) -> list[Reading]:
    """A person's readings, oldest first, each with its scores (two queries)."""
    return list(
        Reading.objects.filter(person=person)
        .select_related("instrument", "recorded_by", "amends")
        .prefetch_related(Prefetch("scores", queryset=Score.objects.select_related("point")))
        .order_by("date", "id")
    )


def chart_for(person: Any, instrument: Instrument, readings: list[Reading]) -> dict[str, Any]:
    """The star chart of a person's first, previous and latest readings (corrections count;
    corrected originals do not), with its summary and legend."""
    from pathways.assessments.chart import Axis, Series, star_svg, summary

    axes = [Axis(p.code, p.name, p.scale_min, p.scale_max) for p in instrument.points.all()]
    current = [r for r in readings if not r.superseded and r.instrument_id == instrument.pk]
    chosen: list[tuple[str, Reading]] = []
    if current:
        chosen.append(("First", current[0]))
        if len(current) > 2:
            chosen.append(("Previous", current[-2]))
        if len(current) > 1:
            chosen.append(("Latest", current[-1]))
        if len(current) == 1:
            chosen = [("Latest", current[0])]
    series = [
        Series(label, reading.date, {s.point.code: s.value for s in reading.scores.all()})
        for label, reading in chosen
    ]
    title = f"{instrument.name} for {person}"
    return {
        "svg": star_svg(axes, series, title=title, chart_id=f"star-{person.pk}"),
        "summary": summary(axes, series),
        "legend": [(s.label, s.date) for s in series],
    }


def household_stars(household: Any, members: list[Any]) -> list[dict[str, Any]]:
    """Every current participant's star chart, from one query for all their readings."""
    instrument = instrument_for(household.programme)
    if instrument is None:
        return []
    people = [m for m in members if m.left_on is None and m.is_participant]
    readings = list(
        Reading.objects.filter(person__in=people, instrument=instrument)
        .prefetch_related(Prefetch("scores", queryset=Score.objects.select_related("point")))
        .order_by("date", "id")
    )
    by_person: dict[int, list[Reading]] = {}
    for reading in readings:
        by_person.setdefault(reading.person_id, []).append(reading)
    return [
        {"person": person, **chart_for(person, instrument, by_person[person.pk])}
        for person in people
        if person.pk in by_person
    ]
