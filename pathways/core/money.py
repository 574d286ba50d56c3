"""Money as whole pence (int), shown and written exactly: no float on the way."""

from __future__ import annotations


def amount_text(pence: int) -> str:
    """12345 -> '123.45': exact text for the API and exports."""
    sign = "-" if pence < 0 else ""
    whole, part = divmod(abs(pence), 100)
    return f"{sign}{whole}.{part:02d}"


def pounds(pence: int) -> str:
    """12345 -> '£123.45', -150 -> '-£1.50'."""
    sign = "-" if pence < 0 else ""
    whole, part = divmod(abs(pence), 100)
    return f"{sign}£{whole:,}.{part:02d}"
