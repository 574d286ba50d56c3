"""UK postcodes: their shape, the key they are matched by, and checking one typed by a user.
Shared by the area data (the postcode directory) and households (an address, a search)."""

from __future__ import annotations

import re

# The shape of a UK postcode (BS 7666): outward code, a space, inward code.
POSTCODE_PATTERN = re.compile(
    r"^(GIR0AA|[A-PR-UWYZ](?:[0-9]{1,2}|[A-HK-Y][0-9]{1,2}|[0-9][A-HJKPSTUW]|[A-HK-Y][0-9][ABEHMNPRVWXY])[0-9][ABD-HJLNP-UW-Z]{2})$"
)


def postcode_key(value: str) -> str:
    """'l36 9gd ' -> 'L369GD': the postcode without spaces, for matching and search."""
    return re.sub(r"\s+", "", value or "").upper()


def clean_postcode(value: str) -> str:
    """A postcode formatted 'L36 9GD', or ValueError with a message for the user."""
    key = postcode_key(value)
    if not key:
        return ""
    if not POSTCODE_PATTERN.match(key):
        raise ValueError("Enter a real postcode, like L36 9GD")
    return f"{key[:-3]} {key[-3:]}"


def looks_like_postcode(text: str) -> bool:
    """A full postcode, or an outward code like 'L36' (for search)."""
    key = postcode_key(text)
    return bool(POSTCODE_PATTERN.match(key)) or bool(
        re.fullmatch(r"[A-PR-UWYZ][A-HK-Y]?[0-9][0-9A-Z]?", key)
    )
