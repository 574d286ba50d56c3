from __future__ import annotations

import pytest

from pathways.areas.models import LocalAuthority
from pathways.areas.selectors import local_authority_by_code_or_name


@pytest.mark.django_db
def test_the_six_liverpool_city_region_authorities_are_there_after_migrating() -> None:
    assert dict(LocalAuthority.objects.values_list("code", "name")) == {
        "E06000006": "Halton",
        "E08000011": "Knowsley",
        "E08000012": "Liverpool",
        "E08000013": "St Helens",
        "E08000014": "Sefton",
        "E08000015": "Wirral",
    }


@pytest.mark.django_db
@pytest.mark.parametrize("value", ["E08000012", "e08000012", "Liverpool", " liverpool "])
def test_an_authority_is_found_by_ons_code_or_name(value: str) -> None:
    assert local_authority_by_code_or_name(value).code == "E08000012"


@pytest.mark.django_db
def test_an_authority_outside_the_region_is_not_found() -> None:
    assert local_authority_by_code_or_name("Warrington") is None
