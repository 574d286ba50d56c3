"""The report tables of `shared/spec/reports.md` by name, each aggregated in the database.

A table is built from exact figures (`figures.Row`: counts, and the parts and wholes of its
percentages and averages), then `figures.figures()` turns it into what a reader sees — exact,
or published under the programme's disclosure control — so the screen, every file, the command
line and the API show the same numbers. The tables, by family: `performance.py` (targets and
by local authority), `profile.py` (who the participants are, referral routes), `progress.py`
(progress measures, distance travelled) and `spending.py` (the Household Support Budget).

Outcomes come from the outcomes the rules keep (`outcomes.models.Outcome`: one implementation of
each measure). Job outcomes, sustained work and completed activities hold at a report date
exactly when they were achieved on or before it, so a stored outcome achieved by `--to` is the
rule's answer for `--to`. Star readings are different: a later reading can undo an improvement,
so the readings measures ask the readings as they stood on the report date (`readings.py`).
"""

from __future__ import annotations

from collections.abc import Callable

from pathways.reporting.figures import Table
from pathways.reporting.performance import by_area, performance
from pathways.reporting.profile import (
    age_profile,
    long_term_by_age,
    referral_sources,
    support_needs,
    time_since_work,
)
from pathways.reporting.progress import distance_travelled, progress
from pathways.reporting.scope import Scope
from pathways.reporting.spending import budget

TABLES: dict[str, Callable[[Scope], Table]] = {
    "performance": performance,
    "age-profile": age_profile,
    "time-since-work": time_since_work,
    "long-term-by-age": long_term_by_age,
    "support-needs": support_needs,
    "progress": progress,
    "distance-travelled": distance_travelled,
    "referral-sources": referral_sources,
    "by-area": by_area,
    "budget": budget,
}


def build(name: str, scope: Scope) -> Table:
    return TABLES[name](scope)
