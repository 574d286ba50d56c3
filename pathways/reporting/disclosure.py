"""Disclosure control for figures that leave the programme (reports.md `--publish`).

By default the ONS "10-5 rule" used for Census 2021 outputs: a count from 1 to 9 is suppressed,
every other count is rounded to the nearest 5, a total is rounded on its own from the unrounded
sum (so published rows need not add up to the published total, and the total gives nothing away),
a percentage is worked out from the published figures (see `percent` for why not the unrounded
ones) and hidden wherever its count is suppressed, and an average is hidden where fewer than 10
people stand behind it. Money is published as the published count of households times their
exact average, rounded to £100, and withheld where fewer than 10 households stand behind it
(`money`); a "per" figure is worked out from published parts (`money_per`). Published figures
are as at the end of a month (`publication_date`), so two report dates a day apart cannot be
differenced. The thresholds are a programme setting (`DisclosureRule.of(programme.disclosure)`).

Every function here is pure: it takes exact figures and returns what may be published, so the
screen, the files and the API publish the same thing.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal


@dataclass(frozen=True)
class DisclosureRule:
    """Counts below `smallest` (and above 0) are suppressed; the rest rounded to `round_to`."""

    smallest: int = 10
    round_to: int = 5
    fewest_for_average: int = 10
    money_round_to: int = 100  # pounds
    publish_every_months: int = 1

    @classmethod
    def of(cls, settings: Mapping[str, int]) -> DisclosureRule:
        defaults = cls()
        return cls(
            smallest=int(settings.get("smallest_count", defaults.smallest)),
            round_to=int(settings.get("round_to", defaults.round_to)),
            fewest_for_average=int(settings.get("fewest_for_average", defaults.fewest_for_average)),
            money_round_to=int(settings.get("money_round_to", defaults.money_round_to)),
            publish_every_months=int(
                settings.get("publish_every_months", defaults.publish_every_months)
            ),
        )


ONS_10_5 = DisclosureRule()

SUPPRESSED = "[c]"  # the ONS and GSS marker of a figure withheld: "[c] confidential"

# The Government Security Classifications marking that every file of exact figures carries in
# itself (a first row, a first line, a banner on every page, a JSON field), so that a file
# forwarded on its own still says what it is. Published figures are marked as such.
NOT_FOR_PUBLICATION = "OFFICIAL-SENSITIVE — not for publication"
PUBLISHED = "OFFICIAL — published figures, under disclosure control"


def marking(published: bool) -> str:
    return PUBLISHED if published else NOT_FOR_PUBLICATION


def count(value: int, rule: DisclosureRule = ONS_10_5) -> int | None:
    """A published count: 0 stays 0; 1 to `smallest - 1` is suppressed (None); any other is
    rounded to the nearest `round_to` (halves up), never below `smallest`."""
    if value < 0:
        raise ValueError("a count cannot be negative")
    if value == 0:
        return 0
    if value < rule.smallest:
        return None
    step = Decimal(rule.round_to)
    rounded = int((Decimal(value) / step).quantize(Decimal(1), rounding=ROUND_HALF_UP) * step)
    # Rounding never brings a published count below the smallest one shown.
    return max(rounded, -(-rule.smallest // rule.round_to) * rule.round_to)


def _to_nearest(value: Decimal, step: int) -> int:
    """`value` to the nearest multiple of `step`, halves away from zero."""
    return int((value / step).quantize(Decimal(1), rounding=ROUND_HALF_UP)) * step


def money(pence: int, households: int, rule: DisclosureRule = ONS_10_5) -> int | None:
    """Published money (pence) that `households` stand behind: withheld (None) where fewer than
    `fewest_for_average` do; otherwise their exact average times their *published* count,
    rounded to `money_round_to` pounds.

    Rounding the exact sum alone is not enough: where every household is allocated £1,000, a
    rounded £64,000 is the exact count, 64, beside a published 65; and one more household's
    spending moves a rounded sum where the published count stays put. Scaled to the published
    count, the money says only what the published count and an average of 10 or more do."""
    if pence == 0:
        return 0
    if households < rule.fewest_for_average:
        return None
    shown = count(households, rule) or 0
    return _to_nearest(Decimal(pence) * shown / households, 100 * rule.money_round_to)


def money_per(pence: int | None, per: int | None) -> int | None:
    """A published "per" figure (e.g. spent per job outcome), in pence to the whole pound: the
    published money over the published count, never from the exact parts (spent over spent per
    job would otherwise give the exact number of jobs); withheld where either part is."""
    if pence is None or not per:
        return None
    return _to_nearest(Decimal(pence) / per, 100)


def publication_date(asked: dt.date, rule: DisclosureRule = ONS_10_5) -> dt.date:
    """The date published figures are as at: the last end of a publication period on or before
    `asked` (month ends by default; every `publish_every_months` months, counted from January,
    so 3 gives the ends of March, June, September and December)."""
    every = rule.publish_every_months
    end = asked
    if (asked + dt.timedelta(days=1)).day != 1:  # not a month end: the last one before it
        end = asked.replace(day=1) - dt.timedelta(days=1)
    while end.month % every:
        end = end.replace(day=1) - dt.timedelta(days=1)
    return end


def exact_percent(part: int, whole: int) -> float | None:
    """programmes.md: a percentage half-up to one decimal place; none where there is no base."""
    if whole <= 0:
        return None
    return float((Decimal(100 * part) / Decimal(whole)).quantize(Decimal("0.1"), ROUND_HALF_UP))


def exact_average(total: Decimal | int, people: int) -> Decimal | None:
    """An average to one decimal place, half-up; none where nobody stands behind it."""
    if people <= 0:
        return None
    return (Decimal(total) / Decimal(people)).quantize(Decimal("0.1"), ROUND_HALF_UP)


def percent(part: int, base: int, rule: DisclosureRule = ONS_10_5) -> float | None:
    """`part` as a published percentage of `base`: worked out from the published part and base,
    to one decimal place; hidden (None) where the part is suppressed or there is no base.

    Not from the unrounded figures, as the ONS rule has it for Census tables: with a published
    base, a percentage to one decimal place of the exact part gives the exact part back (12 of
    37 is 32.4%, and only 12 of 35 to 39 gives that), and exact parts of a total and its other
    rows difference a suppressed cell straight back out. From the published figures a
    percentage says no more than the published counts do."""
    part_shown, base_shown = count(part, rule), count(base, rule)
    if part_shown is None or not base_shown:
        return None
    return exact_percent(part_shown, base_shown)


def average(total: Decimal | int, people: int, rule: DisclosureRule = ONS_10_5) -> Decimal | None:
    """An average over `people`, hidden where fewer than `fewest_for_average` stand behind it."""
    if people < rule.fewest_for_average:
        return None
    return exact_average(total, people)


@dataclass(frozen=True)
class PublishedTable:
    counts: list[int | None]  # None: suppressed
    total: int | None


def table(
    counts: Sequence[int], rule: DisclosureRule = ONS_10_5, *, total: int | None = None
) -> PublishedTable:
    """A column of counts and its total: each count published on its own, and the total rounded
    independently from the unrounded sum (or the given total, where rows overlap, as support
    needs do)."""
    exact_total = sum(counts) if total is None else total
    return PublishedTable([count(c, rule) for c in counts], count(exact_total, rule))


def _could_be(shown: int | None, rule: DisclosureRule) -> tuple[int, int]:
    """The lowest and highest exact counts a reader who knows the rule can take `shown` for
    (a withheld cell: 1 to `smallest - 1`)."""
    if shown is None:
        return (1, rule.smallest - 1)
    if shown == 0:
        return (0, 0)
    below = [v for v in range(max(shown - rule.round_to, 1), shown + 1) if count(v, rule) == shown]
    above = [v for v in range(shown, shown + rule.round_to + 1) if count(v, rule) == shown]
    return (min(below), max(above))


def worked_out(shown: Sequence[int | None], total: int | None, rule: DisclosureRule) -> list[int]:
    """The withheld parts (by index) a reader can work out as the published total less every
    other published part: where that, and "1 to 9", leave a single value."""
    if total is None:
        return []
    whole = _could_be(total, rule)
    ranges = [_could_be(s, rule) for s in shown]
    low_sum, high_sum = sum(r[0] for r in ranges), sum(r[1] for r in ranges)
    found = []
    for index, part in enumerate(shown):
        if part is not None:
            continue
        own = ranges[index]
        low = max(own[0], whole[0] - (high_sum - own[1]))
        high = min(own[1], whole[1] - (low_sum - own[0]))
        if low >= high:  # one value (or, against the rule's own figures, none)
            found.append(index)
    return found


def protect_parts(
    parts: Sequence[int], total: int, rule: DisclosureRule = ONS_10_5
) -> tuple[list[int | None], set[int]]:
    """Published parts of a total (rows of a table that add up to its base, areas that add up
    to the programme), and the indexes withheld only to protect others.

    Each part is published on its own and the total is rounded on its own (`table`). That is
    almost always enough: rounding leaves a reader of the total less the other parts a range
    of several values. But not always: two parts of 9 and 9 publish as [c] and [c] beside a
    total of 18 published as 20, which can only be 18 to 22 — and the two withheld parts can
    then only be 9 each. Where a withheld part could be worked out so, the smallest published
    part (a zero first) is withheld beside it (secondary suppression), until none can."""
    shown: list[int | None] = [count(p, rule) for p in parts]
    published_total = count(total, rule)
    secondary: set[int] = set()
    while worked_out(shown, published_total, rule):
        candidates = [i for i, s in enumerate(shown) if s is not None]
        if not candidates:
            break  # every part already withheld: nothing more a part can hide (docs/reports.md)
        pick = min(candidates, key=lambda i: (shown[i], i))
        shown[pick] = None
        secondary.add(pick)
    return shown, secondary
