"""Writing casework's records from a bundle: activities.csv and referrals_out.csv (rows known by
person, date and kind: see keyed.py)."""

from __future__ import annotations

from typing import Any

from pathways.casework.models import Activity, OnwardReferral
from pathways.exchange.writers.keyed import write_keyed
from pathways.exchange.writers.state import Chunk, ImportState


def activities(state: ImportState, chunk: Chunk) -> None:
    """Write a chunk of activities.csv."""

    def build(person: int, v: dict, reference: str) -> dict[str, Any]:
        completed = v.get("completed_date")
        return {
            "person_id": person,
            "reference": reference,
            "activity_type": v["activity_type"],
            "title": v.get("title") or "",
            "hours": v.get("hours"),
            "agreed_date": v["agreed_date"],
            "completed_date": completed,
            "status": Activity.Status.COMPLETED
            if completed
            else (v.get("status") or Activity.Status.AGREED),
            "star_point": v.get("star_point") or "",
            "recorded_by_id": state.actor_id,
        }

    write_keyed(
        state,
        "activities.csv",
        Activity,
        chunk,
        lambda v: (v["agreed_date"], v["activity_type"]),
        build,
        (
            "activity_type",
            "agreed_date",
            "title",
            "hours",
            "completed_date",
            "status",
            "star_point",
        ),
    )


def referrals(state: ImportState, chunk: Chunk) -> None:
    """Write a chunk of referrals_out.csv."""

    def build(person: int, v: dict, reference: str) -> dict[str, Any]:
        return {
            "person_id": person,
            "reference": reference,
            "date": v["date"],
            "service_type": v["service"],
            "organisation": v.get("organisation") or "",
            "status": v.get("status") or OnwardReferral.Status.MADE,
            "recorded_by_id": state.actor_id,
        }

    write_keyed(
        state,
        "referrals_out.csv",
        OnwardReferral,
        chunk,
        lambda v: (v["date"], v["service"]),
        build,
        ("date", "service_type", "organisation", "status"),
    )
