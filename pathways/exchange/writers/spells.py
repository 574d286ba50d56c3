"""Writing employment.csv: employment spells, known by person and start date (see keyed.py)."""

from __future__ import annotations

from typing import Any

from pathways.exchange.writers.keyed import write_keyed
from pathways.exchange.writers.state import Chunk, ImportState
from pathways.outcomes.models import EmploymentSpell


def write(state: ImportState, chunk: Chunk) -> None:
    """Write a chunk of employment.csv."""

    def build(person: int, v: dict, reference: str) -> dict[str, Any]:
        return {
            "person_id": person,
            "reference": reference,
            "start_date": v["start_date"],
            "end_date": v.get("end_date"),
            "hours_per_week": v["hours_per_week"],
            "employer": v.get("employer") or "",
            "self_employed": bool(v.get("self_employed")),
            "evidence": v.get("evidence") or "",
            "recorded_by_id": state.actor_id,
        }

    write_keyed(
        state,
        "employment.csv",
        EmploymentSpell,
        chunk,
        lambda v: (v["start_date"],),
        build,
        ("start_date", "end_date", "hours_per_week", "employer", "self_employed", "evidence"),
    )
