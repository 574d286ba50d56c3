"""The k-anonymity guard of the evaluation extract: a pure function over plain rows.

Every row gives each quasi-identifier as its ladder of values, finest first: the area as
(LSOA, local authority), a date as (month, quarter, year), the age band, gender and ethnicity
as themselves. The guard finds the least coarsening under which every combination of
quasi-identifiers is shared by at least k rows (k-anonymity, the ICO's "singling out" test):

1. global steps, in order, each taken only while some combination has fewer than k rows: the
   area from LSOA to local authority, then every date from month to quarter, then to year;
2. then, field by field (ethnicity, gender, area, dates, age band), the field
   is withheld in the rows whose combination still has fewer than k, and only in those; and
   each such combination still short of k borrows the rows it lacks from the largest one that
   agrees with it on what it shows and can spare them (withholding in those rows what the
   small one withholds), so that a rare combination does not cost a whole field;
3. rows whose combination has fewer than k rows with every quasi-identifier withheld are
   dropped.

It never invents a value: each output value is one of the row's own ladder, or WITHHELD.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

WITHHELD = "withheld"

Ladders = Mapping[str, tuple[str, ...]]


@dataclass(frozen=True)
class Step:
    """A global coarsening: these fields, one rung further up their ladders."""

    describe: str
    fields: tuple[str, ...]


@dataclass
class Guarded:
    """What the guard kept, and what it did to keep it."""

    kept: list[tuple[int, dict[str, str]]]  # (the row's index in the input, its values)
    steps: list[str] = field(default_factory=list)  # the global coarsenings taken
    withheld: dict[str, int] = field(default_factory=dict)  # field -> kept rows withheld in
    dropped: int = 0
    k: int = 5
    rungs: dict[str, int] = field(default_factory=dict)  # field -> rungs up its ladder

    def smallest(self) -> int:
        """The fewest rows sharing one combination (0 for an empty extract)."""
        counts = Counter(tuple(sorted(values.items())) for _, values in self.kept)
        return min(counts.values(), default=0)


def _at(ladder: tuple[str, ...], rung: int) -> str:
    """The value `rung` steps up the ladder (the coarsest the ladder has, past its top)."""
    if not ladder:
        return ""
    return ladder[min(rung, len(ladder) - 1)]


def _values(rows: Sequence[Ladders], rungs: Mapping[str, int]) -> list[dict[str, str]]:
    return [{name: _at(ladder, rungs[name]) for name, ladder in row.items()} for row in rows]


def _small(values: Sequence[Mapping[str, str]], k: int) -> list[bool]:
    """For each row, whether its combination is shared by fewer than k rows."""
    keys = [_key(v) for v in values]
    counts = Counter(keys)
    return [counts[key] < k for key in keys]


def _key(row: Mapping[str, str]) -> tuple[tuple[str, str], ...]:
    return tuple(sorted(row.items()))


def _borrow(values: list[dict[str, str]], k: int) -> None:
    """Make up each small combination from the largest one that shows the same where it shows
    anything and can spare the rows: in those rows, withhold what the small one withholds.
    Both then have at least k rows, and fewer values are withheld than by withholding more
    fields in the small one."""
    groups: dict[tuple[tuple[str, str], ...], list[int]] = {}
    for index, row in enumerate(values):
        groups.setdefault(_key(row), []).append(index)
    for key in sorted(key for key, members in groups.items() if len(members) < k):
        need = k - len(groups[key])
        shown = [(name, value) for name, value in key if value != WITHHELD]
        hidden = [name for name, value in key if value == WITHHELD]
        if not hidden:
            continue  # only rows exactly like it could join it, and they already have
        donors = [
            other
            for other, members in groups.items()
            if other != key and len(members) - need >= k and all(pair in other for pair in shown)
        ]
        if not donors:
            continue
        donor = max(donors, key=lambda other: (len(groups[other]), other))
        moved, groups[donor] = groups[donor][-need:], groups[donor][:-need]
        for index in moved:
            values[index].update(dict.fromkeys(hidden, WITHHELD))
        groups[key] += moved


def k_anonymise(
    rows: Sequence[Ladders],
    *,
    k: int,
    steps: Sequence[Step],
    withhold: Sequence[tuple[str, ...]],
) -> Guarded:
    """Coarsen, then withhold, then drop, until every combination has at least k rows.

    `steps` are the global coarsenings in the order to try them; `withhold` the groups of
    fields to withhold in small combinations, in order (a group goes together: every date)."""
    if k < 1:
        raise ValueError(f"k must be 1 or more, not {k}")
    names = sorted({name for row in rows for name in row})
    rungs = dict.fromkeys(names, 0)
    taken: list[str] = []
    values = _values(rows, rungs)
    for step in steps:
        if not any(_small(values, k)):
            break
        for name in step.fields:
            if name in rungs:
                rungs[name] += 1
        taken.append(step.describe)
        values = _values(rows, rungs)
    for group in withhold:
        small = _small(values, k)
        for row, is_small in zip(values, small, strict=True):
            for name in group if is_small else ():
                if name in row:
                    row[name] = WITHHELD
        _borrow(values, k)
    small = _small(values, k)
    # A combination is moved only whole (every row of it is small together), so one that ends
    # small has had every group withheld: what is left to do is to drop it.
    kept = [
        (i, row)
        for i, (row, is_small) in enumerate(zip(values, small, strict=True))
        if not is_small
    ]
    withheld = Counter(name for _, row in kept for name, value in row.items() if value == WITHHELD)
    return Guarded(
        kept=kept,
        steps=taken,
        withheld={name: withheld[name] for name in names if withheld[name]},
        dropped=len(values) - len(kept),
        k=k,
        rungs=rungs,
    )
