"""Instruments from definition files, and recording and correcting readings.

A definition (TOML, or the same shape from the settings page) is validated as a whole and
every problem is named by its field; a reading must score every point within its scale.
"""

from __future__ import annotations

import datetime as dt
import tomllib
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from django.db import transaction
from django.utils import timezone

from pathways.accounts.models import Actor
from pathways.assessments.models import Instrument, InstrumentPoint, Reading, Score
from pathways.audit import services as audit
from pathways.audit.verbs import Verb
from pathways.core.exceptions import RuleError
from pathways.households.models import Person, TimelineEntry
from pathways.households.writing import records_changed

INSTRUMENTS_DIR = Path(__file__).resolve().parent / "instruments"
MIN_POINTS, MAX_POINTS = 5, 10
SCALES = {(1, 5), (1, 10), (0, 10)}


def shipped_instrument_files() -> list[Path]:
    return sorted(INSTRUMENTS_DIR.glob("*.toml"))


def clean_instrument(data: Mapping[str, Any]) -> dict[str, Any]:
    """A definition checked and normalised, or RuleError naming each bad field."""
    problems: dict[str, str] = {}
    code = str(data.get("code") or "").strip()
    if not code or not code.replace("-", "").isalnum() or code != code.lower():
        problems["code"] = "must be lower-case letters, digits and hyphens"
    name = str(data.get("name") or "").strip()
    if not name:
        problems["name"] = "is required"
    default_min, default_max = data.get("scale_min", 1), data.get("scale_max", 5)
    points_in = data.get("points") or []
    if not isinstance(points_in, list) or not MIN_POINTS <= len(points_in) <= MAX_POINTS:
        problems["points"] = f"needs {MIN_POINTS} to {MAX_POINTS} points"
        points_in = points_in if isinstance(points_in, list) else []
    points, seen = [], set()
    for index, raw in enumerate(points_in):
        path = f"points[{index}]"
        if not isinstance(raw, Mapping):
            problems[path] = "must be a table"
            continue
        point_code = str(raw.get("code") or "").strip()
        if not point_code:
            problems[f"{path}.code"] = "is required"
        elif point_code in seen:
            problems[f"{path}.code"] = f"{point_code!r} is used twice"
        seen.add(point_code)
        kind = raw.get("kind", InstrumentPoint.Kind.SCALE)
        if not isinstance(kind, str) or kind not in InstrumentPoint.Kind.values:
            problems[f"{path}.kind"] = "must be scale or yes_no"
        if kind == InstrumentPoint.Kind.YES_NO:
            low, high = 0, 1
        else:
            low, high = raw.get("scale_min", default_min), raw.get("scale_max", default_max)
            whole = all(isinstance(v, int) and not isinstance(v, bool) for v in (low, high))
            if not whole or (low, high) not in SCALES:
                problems[f"{path}.scale"] = "must be 1 to 5, 1 to 10 or 0 to 10"
                low, high = 1, 5  # so the steps below can still be checked
        steps = raw.get("steps") or []
        if not isinstance(steps, list):
            problems[f"{path}.steps"] = "must be a list of descriptions, one for each step"
            steps = []
        elif steps and (kind != InstrumentPoint.Kind.SCALE or len(steps) != high - low + 1):
            problems[f"{path}.steps"] = (
                f"needs one description for each of the {high - low + 1} steps"
            )
        points.append(
            {
                "code": point_code,
                "name": str(raw.get("name") or point_code).strip(),
                "description": str(raw.get("description") or "").strip(),
                "kind": kind,
                "scale_min": low,
                "scale_max": high,
                "steps": [str(step) for step in steps],
            }
        )
    if problems:
        raise RuleError(problems)
    return {
        "code": code,
        "name": name,
        "description": str(data.get("description") or "").strip(),
        "licence": str(data.get("licence") or "").strip(),
        "stages": list(data.get("stages") or []),
        "points": points,
    }


@transaction.atomic
def save_instrument(*, definition: Mapping[str, Any], actor: Actor) -> Instrument:
    """Create or update an instrument. Points already read keep their identity."""
    cleaned = clean_instrument(definition)
    instrument, created = Instrument.objects.get_or_create(
        code=cleaned["code"], defaults={"name": cleaned["name"]}
    )
    before = _definition_of(instrument) if not created else {}
    instrument.name = cleaned["name"]
    instrument.description = cleaned["description"]
    instrument.licence = cleaned["licence"]
    instrument.stages = cleaned["stages"]
    for order, point in enumerate(cleaned["points"], start=1):
        InstrumentPoint.objects.update_or_create(
            instrument=instrument, code=point["code"], defaults={**point, "order": order}
        )
    stale = instrument.points.exclude(code__in=[p["code"] for p in cleaned["points"]])
    if stale.exists():
        used = Score.objects.filter(point__in=stale).exists()
        if used:
            raise RuleError({"points": "A point that readings already use cannot be removed"})
        stale.delete()
    after = _definition_of(instrument)
    if after != before:
        instrument.version += 0 if created else 1
        instrument.updated_at = timezone.now()
        instrument.save()
        audit.record(
            actor=actor,
            verb=Verb.INSTRUMENT_CREATED if created else Verb.INSTRUMENT_CHANGED,
            target=instrument,
            data={"changes": audit.changes(before, after)},
        )
    return instrument


def _definition_of(instrument: Instrument) -> dict[str, Any]:
    return {
        "name": instrument.name,
        "description": instrument.description,
        "licence": instrument.licence,
        "stages": instrument.stages,
        "points": [
            {
                "code": p.code,
                "name": p.name,
                "description": p.description,
                "kind": p.kind,
                "scale_min": p.scale_min,
                "scale_max": p.scale_max,
                "steps": p.steps,
            }
            for p in instrument.points.order_by("order")
        ],
    }


def load_shipped_instruments(actor: Actor = None) -> list[Instrument]:
    instruments = []
    for path in shipped_instrument_files():
        with path.open("rb") as handle:
            instruments.append(save_instrument(definition=tomllib.load(handle), actor=actor))
    return instruments


# --- readings ---------------------------------------------------------------------------


def check_scores(
    instrument: Instrument, scores: Mapping[str, tuple[int | None, int | None]]
) -> dict[str, str]:
    """Problems with a reading's scores by point code: every point scored, within its scale."""
    problems: dict[str, str] = {}
    points = list(instrument.points.all())
    known = {p.code for p in points}
    for code in scores:
        if code not in known:
            problems[code] = f"{code!r} is not a point of {instrument.name}"
    for point in points:
        worker, participant = scores.get(point.code, (None, None))
        if worker is None and participant is None:
            problems[point.code] = (
                f"Score {point.name} (from {point.scale_min} to {point.scale_max})"
            )
            continue
        for who, value in (("worker's", worker), ("participant's", participant)):
            if value is not None and not point.scale_min <= value <= point.scale_max:
                problems[point.code] = (
                    f"The {who} score for {point.name} must be from {point.scale_min} to "
                    f"{point.scale_max}, not {value}"
                )
    return problems


def _check_reading(person: Person, instrument: Instrument, date: dt.date, scores: Mapping) -> None:
    problems = check_scores(instrument, scores)
    today = timezone.localdate()
    if date > today:
        problems["date"] = "The date of the reading must be today or in the past"
    elif person.date_of_birth and date < person.date_of_birth:
        problems["date"] = "The date of the reading must be after their date of birth"
    if not person.is_participant:
        problems["person"] = f"{person} is not taking part in the programme"
    if problems:
        raise RuleError(problems)


def _write(reading: Reading, scores: Mapping[str, tuple[int | None, int | None]]) -> None:
    points = {p.code: p for p in reading.instrument.points.all()}
    Score.objects.bulk_create(
        Score(reading=reading, point=points[code], worker=worker, participant=participant)
        for code, (worker, participant) in scores.items()
    )


@transaction.atomic
def record_reading(
    *,
    actor: Actor,
    person: Person,
    instrument: Instrument,
    date: dt.date,
    scores: Mapping[str, tuple[int | None, int | None]],
    present: str = "",
    notes: str = "",
) -> Reading:
    """A new reading for a person: every point scored (worker, participant, or both)."""
    _check_reading(person, instrument, date, scores)
    user = actor if getattr(actor, "is_authenticated", False) else None
    reading = Reading.objects.create(
        person=person,
        instrument=instrument,
        date=date,
        present=present.strip(),
        notes=notes.strip(),
        recorded_by=user,
    )
    _write(reading, scores)
    household = person.household
    records_changed(household)
    TimelineEntry.objects.create(
        household=household,
        on=date,
        kind="reading",
        summary=f"{instrument.name} reading for {person}",
        actor=user,
    )
    audit.record(
        actor=actor,
        verb=Verb.READING_CREATED,
        target=reading,
        programme=household.programme,
        data={
            "person": person.pk,
            "date": date.isoformat(),
            "scores": {k: list(v) for k, v in scores.items()},
        },
    )
    return reading


@transaction.atomic
def amend_reading(
    *,
    actor: Actor,
    reading: Reading,
    scores: Mapping[str, tuple[int | None, int | None]],
    reason: str,
    date: dt.date | None = None,
) -> Reading:
    """Correct a reading: a new reading replaces it for analysis; the original is kept."""
    original = Reading.objects.select_for_update().get(pk=reading.pk)
    if original.superseded:
        raise RuleError(
            {"reading": "This reading has already been corrected: correct the newer one"}
        )
    if not reason.strip():
        raise RuleError({"reason": "Enter the reason for the correction"})
    date = date or original.date
    _check_reading(original.person, original.instrument, date, scores)
    user = actor if getattr(actor, "is_authenticated", False) else None
    amended = Reading.objects.create(
        person=original.person,
        instrument=original.instrument,
        date=date,
        present=original.present,
        notes=original.notes,
        amends=original,
        amendment_reason=reason.strip(),
        recorded_by=user,
    )
    _write(amended, scores)
    original.superseded = True
    original.save(update_fields=["superseded"])
    household = original.person.household
    records_changed(household)
    TimelineEntry.objects.create(
        household=household,
        on=timezone.localdate(),
        kind="reading_amended",
        summary=f"{original.instrument.name} reading of {original.date:%-d %B %Y} for {original.person} corrected: {reason.strip()}",
        actor=user,
    )
    before = {
        s.point.code: [s.worker, s.participant] for s in original.scores.select_related("point")
    }
    audit.record(
        actor=actor,
        verb=Verb.READING_AMENDED,
        target=amended,
        programme=household.programme,
        data={
            "amends": original.pk,
            "reason": reason.strip(),
            "before": before,
            "after": {k: list(v) for k, v in scores.items()},
        },
    )
    return amended
