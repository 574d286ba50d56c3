"""A programme's Household Support Budget spending rules (its `budget_rules`), in whole pence.

What the budget pays for, the caps per category and per item, and the amount above which a team
manager must approve: the budget's ledger, requests and importer apply them; the programme's page
shows them.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from pathways.core.money import parse_pounds
from pathways.programmes.definition import APPROVAL_THRESHOLD, BUDGET_CATEGORIES

# Requests above the programme's threshold need a team manager's approval before the money is
# committed; this is the default when a programme sets none.
APPROVAL_THRESHOLD_PENCE = parse_pounds(APPROVAL_THRESHOLD)


@dataclass(frozen=True)
class SpendingRules:
    approval_threshold: int
    categories: tuple[str, ...]
    category_caps: dict[str, int]
    item_cap: int | None

    @property
    def category_labels(self) -> list[str]:
        return [BUDGET_CATEGORIES[code] for code in self.categories]

    @property
    def cap_labels(self) -> list[tuple[str, int]]:
        return [(BUDGET_CATEGORIES[code], cap) for code, cap in self.category_caps.items()]


def rules_of(programme: Any) -> SpendingRules:
    """The programme's spending rules (programme data), in pence."""
    raw = programme.budget_rules or {}
    threshold = raw.get("approval_threshold")
    return SpendingRules(
        approval_threshold=parse_pounds(threshold) if threshold else APPROVAL_THRESHOLD_PENCE,
        categories=tuple(raw.get("categories") or BUDGET_CATEGORIES),
        category_caps={k: parse_pounds(v) for k, v in (raw.get("category_caps") or {}).items()},
        item_cap=parse_pounds(raw["item_cap"]) if raw.get("item_cap") else None,
    )
