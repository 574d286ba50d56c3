from __future__ import annotations

import pytest

from pathways.areas.models import LocalAuthority
from pathways.areas.selectors import local_authority_by_code_or_name


@pytest.mark.django_db
def test_the_six_liverpool_city_region_authorities_are_there_after_migrating() -> None:
    region = LocalAuthority.objects.filter(region="Liverpool City Region")
    assert dict(region.values_list("code", "name")) == {
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
def test_neighbouring_authorities_are_known_so_a_referral_from_them_can_be_recorded() -> None:
    warrington = local_authority_by_code_or_name("Warrington")
    assert warrington is not None
    assert warrington.code == "E06000007"
    assert warrington.region != "Liverpool City Region"


@pytest.mark.django_db
def test_an_authority_pathways_does_not_know_is_not_found() -> None:
    assert local_authority_by_code_or_name("Cornwall") is None
