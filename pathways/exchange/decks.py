"""Drawing invented people in the cohort's proportions (exchange/cohort.py): weighted picks, and
decks that deal a table's shares closely even over a few thousand people."""

from __future__ import annotations

import random
from collections.abc import Mapping
from typing import Any

from pathways.exchange import cohort


def pick(rng: random.Random, weights: Mapping[Any, float]) -> Any:
    return rng.choices(list(weights), weights=list(weights.values()))[0]


class Deck:
    """Draws in the table's proportions: a shuffled deck of 1,000 cards, dealt and reshuffled,
    so that even a few thousand people follow the table closely (independent draws would
    wander by a few points)."""

    def __init__(self, rng: random.Random, weights: Mapping[Any, float], size: int = 1000) -> None:
        total = sum(weights.values())
        exact = {key: size * value / total for key, value in weights.items()}
        counts = {key: int(value) for key, value in exact.items()}
        by_remainder = sorted(exact, key=lambda key: exact[key] - counts[key], reverse=True)
        for key in by_remainder[: size - sum(counts.values())]:
            counts[key] += 1
        self.rng, self.cards = rng, [key for key, count in counts.items() for _ in range(count)]
        self.left: list[Any] = []

    def deal(self) -> Any:
        if not self.left:
            self.left = list(self.cards)
            self.rng.shuffle(self.left)
        return self.left.pop()


class Decks:
    """One deck for each of the cohort's tables."""

    def __init__(self, rng: random.Random) -> None:
        self.since = Deck(rng, cohort.TIME_SINCE_WORK)
        self.age = {
            since: Deck(rng, weights)
            for since, weights in cohort.age_given_time_since_work().items()
        }
        self.gender = Deck(rng, cohort.GENDER)
        self.ethnicity = Deck(rng, cohort.ETHNICITY)
        self.needs = {
            need: Deck(rng, {True: percent, False: 100 - percent})
            for need, percent in cohort.SUPPORT_NEEDS.items()
        }
        # Table 1's headline rates, dealt to started households. A household dealt one too
        # soon after its start to reach it passes it on to the next that can (`owed`), so the
        # shares come out right over all started households.
        self.rates = {
            name: Deck(rng, {True: 100 * rate, False: 100 * (1 - rate)})
            for name, rate in (
                ("completes", cohort.ACTIVITY_COMPLETED_RATE),
                ("improves", cohort.SIGNIFICANT_IMPROVEMENT_RATE),
            )
        }
        self.owed = dict.fromkeys(self.rates, 0)

    def reaches(self, name: str, can: bool) -> bool:
        """Whether a started household reaches this headline measure."""
        self.owed[name] += self.rates[name].deal()
        if can and self.owed[name]:
            self.owed[name] -= 1
            return True
        return False
