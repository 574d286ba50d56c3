"""A programme's chosen area: saved by its managers only."""

from __future__ import annotations

import pytest

from pathways.areas.models import Neighbourhood
from pathways.areas.services import NeighbourhoodError
from pathways.conftest import World
from pathways.programmes.areas import save_programme_area


def test_only_a_programmes_managers_set_its_area(region: World) -> None:
    with pytest.raises(NeighbourhoodError, match="Only the programme's managers"):
        save_programme_area(
            actor=region.win_manager, programme=region.hiw, name="Not yours", codes=["E01006412"]
        )
    assert not Neighbourhood.objects.exists()
    hood = save_programme_area(
        actor=region.programme_manager, programme=region.hiw, name="Pilot", codes=["E01006412"]
    )
    assert hood.programme == region.hiw
