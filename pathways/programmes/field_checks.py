"""Checking a programme definition's fields one at a time, collecting every problem."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation
from typing import Any


class FieldChecker:
    """Collects every problem instead of stopping at the first."""

    def __init__(self) -> None:
        self.problems: list[tuple[str, str]] = []

    def fail(self, field: str, reason: str) -> None:
        self.problems.append((field, reason))

    def text(self, data: dict, field: str, *, required: bool, max_length: int = 200) -> str:
        value = data.get(field)
        if value is None or (isinstance(value, str) and not value.strip()):
            if required:
                self.fail(field, "is required")
            return ""
        if not isinstance(value, str):
            self.fail(field, f"must be text, not {value!r}")
            return ""
        if len(value.strip()) > max_length:
            self.fail(field, f"must be {max_length} characters or fewer")
        return value.strip()

    def date(self, value: Any, field: str, *, required: bool) -> str | None:
        if value is None or value == "":
            if required:
                self.fail(field, "is required")
            return None
        if isinstance(value, dt.datetime):
            value = value.date()
        if isinstance(value, dt.date):
            return value.isoformat()
        if isinstance(value, str):
            try:
                return dt.date.fromisoformat(value.strip()).isoformat()
            except ValueError:
                pass
        self.fail(field, f"must be a date like 2019-03-31, not {value!r}")
        return None

    def integer(self, value: Any, field: str, *, minimum: int, maximum: int) -> int | None:
        if isinstance(value, bool) or not isinstance(value, int):
            if isinstance(value, str) and value.strip().lstrip("-").isdigit():
                value = int(value)
            else:
                self.fail(field, f"must be a whole number, not {value!r}")
                return None
        if not minimum <= value <= maximum:
            self.fail(field, f"must be between {minimum} and {maximum}, not {value}")
            return None
        return value

    def money(self, value: Any, field: str) -> str | None:
        if isinstance(value, float):
            self.fail(field, f'write money as text with two decimals, e.g. "1000.00", not {value}')
            return None
        try:
            amount = Decimal(str(value).strip().replace(",", "").removeprefix("£"))
        except InvalidOperation:
            self.fail(field, f"must be an amount of money like 1000.00, not {value!r}")
            return None
        if not amount.is_finite() or amount < 0:
            self.fail(field, f"must be zero or more, not {value!r}")
            return None
        if amount != amount.quantize(Decimal("0.01")):
            self.fail(field, f"must be in whole pence, not {value!r}")
            return None
        return str(amount.quantize(Decimal("0.01")))

    def listing(self, value: Any, field: str) -> list:
        if value is None:
            return []
        if not isinstance(value, list):
            self.fail(field, "must be a list")
            return []
        return value
