import pytest

from pathways.core.postcodes import clean_postcode


def test_postcodes_are_checked_and_formatted() -> None:
    assert clean_postcode(" l36 9gd ") == "L36 9GD"
    assert clean_postcode("CH419AB") == "CH41 9AB"
    assert clean_postcode("EC1A 1BB") == "EC1A 1BB"
    for bad in ("L36", "12345", "L36 9G", "QQ1 1AA", "L36 9GDD"):
        with pytest.raises(ValueError, match="real postcode"):
            clean_postcode(bad)
