"""Writing star_readings.csv: new readings and their scores in bulk; a held reading whose scores
the row changes is amended (assessments' rule), never rewritten."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from pathways.assessments import services as assessments
from pathways.assessments.models import Instrument, Reading, Score
from pathways.core import bulk
from pathways.exchange.writers.state import Chunk, ImportState


def write(state: ImportState, chunk: Chunk) -> None:
    """Write a chunk of star_readings.csv: a changed reading is amended as the pages amend one."""
    rows = []
    for _, cells in chunk:
        instrument = state.instruments[cells.get("instrument") or "progress-star"]
        person = state.person_id(cells["person_ref"])
        day = dt.date.fromisoformat(cells["date"])
        scores = {p.code: int(cells[p.code]) for p in state.points[instrument.pk]}
        rows.append((person, day, instrument, scores))
    existing = defaultdict(dict)
    for reading in Reading.objects.filter(
        person_id__in={r[0] for r in rows} - state.new_people, superseded=False
    ).prefetch_related("scores__point"):
        existing[(reading.person_id, reading.date, reading.instrument_id)] = {
            s.point.code: s.value for s in reading.scores.all()
        }
    new = []
    for person, day, instrument, scores in rows:
        held = existing.get((person, day, instrument.pk))
        if held is None:
            new.append((person, day, instrument, scores))
        elif held == scores:
            state.summary.add("star_readings.csv", "unchanged")
        else:
            _amend(state, person, day, instrument, scores)
    bulk.insert(
        Reading,
        (
            "person_id",
            "instrument_id",
            "date",
            "present",
            "notes",
            "amendment_reason",
            "superseded",
            "recorded_by_id",
            "recorded_at",
        ),
        (
            (person, instrument.pk, day, "", "", "", False, state.actor_id, state.now)
            for person, day, instrument, _ in new
        ),
    )
    ids = {
        (person_id, instrument_id, date): pk
        for pk, person_id, instrument_id, date in Reading.objects.filter(
            person_id__in={person for person, _, _, _ in new}, superseded=False
        ).values_list("pk", "person_id", "instrument_id", "date")
    }
    bulk.insert(
        Score,
        ("reading_id", "point_id", "worker", "participant"),
        (
            (ids[(person, instrument.pk, day)], point.pk, scores[point.code], None)
            for person, day, instrument, scores in new
            for point in state.points[instrument.pk]
        ),
    )
    state.touched.update(state.households_of({r[0] for r in rows}))
    state.summary.add("star_readings.csv", "created", len(new))


def _amend(
    state: ImportState, person: int, day: dt.date, instrument: Instrument, scores: dict
) -> None:
    reading = Reading.objects.get(
        person_id=person, date=day, instrument=instrument, superseded=False
    )
    assessments.amend_reading(
        actor=state.actor,
        reading=reading,
        scores={code: (value, None) for code, value in scores.items()},
        reason="Changed in an imported bundle",
    )
    state.summary.add("star_readings.csv", "updated")
