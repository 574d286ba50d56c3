"""Money as whole pence (int), shown and written exactly: no float on the way."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation


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


def parse_pounds(text: str) -> int:
    """'300', '£1,000.00' or '40.5' -> pence; ValueError with a message for anything else."""
    cleaned = str(text).strip().replace(",", "").removeprefix("£")
    try:
        amount = Decimal(cleaned)
        exact = amount.is_finite() and amount == amount.quantize(Decimal("0.01"))
    except InvalidOperation:
        raise ValueError("Enter an amount of money, like 300.00") from None
    if not exact:
        raise ValueError("Enter the amount in pounds and pence, like 12.50")
    if abs(amount) > 1_000_000:
        raise ValueError("Enter an amount up to £1,000,000.00")
    return int(amount * 100)
