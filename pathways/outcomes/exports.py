"""A claim as CSV or XLSX, in the layout documented in docs/claims.md."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from pathways.core.tabular import csv_lines as _csv_lines
from pathways.core.tabular import xlsx_bytes as _xlsx_bytes
from pathways.outcomes.models import Claim
from pathways.privacy.models import Purpose
from pathways.privacy.services import people_shared_for

CLAIM_COLUMNS = (
    "claim_id",
    "line",
    "kind",
    "outcome_id",
    "outcome",
    "household_ref",
    "person_ref",
    "achieved_on",
    "verified_on",
    "amount",
)


def shareable_lines(claim: Claim) -> Any:
    """The claim's lines whose person has an active basis for sharing with the funder; the
    others stay out of every download (privacy.services.people_shared_for)."""
    return claim.lines.filter(outcome__person__in=people_shared_for(Purpose.FUNDER))


def claim_rows(claim: Claim) -> Iterator[list[Any]]:
    lines = (
        shareable_lines(claim)
        .select_related("outcome__household", "outcome__person")
        .order_by("id")
    )
    for number, line in enumerate(lines, start=1):
        outcome = line.outcome
        yield [
            claim.pk,
            number,
            line.kind,
            outcome.pk,
            outcome.kind,
            outcome.household.reference,
            outcome.person.reference or f"P{outcome.person_id}",
            outcome.achieved_on.isoformat(),
            line.verified_on.isoformat() if line.verified_on else "",
            line.amount_pence,
        ]


def csv_lines(columns: Any, rows: Any) -> Iterator[str]:
    return _csv_lines(columns, rows, money=["amount"])


def xlsx_bytes(name: str, columns: Any, rows: Any) -> bytes:
    return _xlsx_bytes([(name, columns, rows, ["amount"])])
