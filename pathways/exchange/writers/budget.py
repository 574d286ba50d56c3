"""Writing budget.csv: budgets' own import of the file, for each programme's households in the
bundle."""

from __future__ import annotations

from collections import defaultdict

from pathways.budgets.imports import import_budget_csv
from pathways.exchange import schema
from pathways.exchange.writers.state import ImportState


def write(state: ImportState) -> None:
    """Write budget.csv, programme by programme, by budgets' own import of it."""
    by_programme: dict[str, list[str]] = defaultdict(list)
    for ref, code in state.checked.households.items():
        by_programme[code].append(ref)
    for code in by_programme:
        with state.bundle.open(schema.BUDGET.name) as stream:
            result = import_budget_csv(
                stream,
                programme=state.programmes[code],
                actor=state.actor,
                only=set(by_programme[code]),
            )
        for what in ("created", "updated", "unchanged"):
            state.summary.add("budget.csv", what, getattr(result, what))
