"""The evaluation extract's anonymity rules: its quasi-identifiers, each date's ladder (month,
quarter, year), and the coarsenings the k-anonymity guard (`anonymity.py`) may take, in order.
The extract itself is built in `reporting/extract.py`."""

from __future__ import annotations

import datetime as dt

from pathways.privacy.anonymity import Step

DATES = ("referred", "started", "not_started_on")
QUASI_IDENTIFIERS = ("area", *DATES, "age_band_at_start", "gender", "ethnicity")
# The global coarsenings, tried in this order while any combination has fewer than k people.
STEPS = (
    Step("area: LSOA to local authority", ("area",)),
    Step("dates: month to quarter", DATES),
    Step("dates: quarter to year", DATES),
)
# Then withheld, only in the rows still in a combination of fewer than k: the finest first.
# The area goes before the dates: without the dates the comparison pool says nothing.
WITHHOLD = (("ethnicity",), ("gender",), ("area",), DATES, ("age_band_at_start",))


def period_ladder(day: dt.date | None) -> tuple[str, ...]:
    """A date as month, quarter and year, finest first (empty for no date)."""
    if day is None:
        return ("",)
    return (f"{day:%Y-%m}", f"{day.year}-Q{(day.month - 1) // 3 + 1}", str(day.year))
