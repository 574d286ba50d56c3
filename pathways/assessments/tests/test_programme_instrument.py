"""A programme's readings use an instrument: a definition naming none Pathways has is refused."""

from __future__ import annotations

import copy

import pytest
from django.core.management import call_command

from pathways.assessments.models import Instrument
from pathways.conftest import World
from pathways.programmes import services as programmes
from pathways.programmes.definition import DefinitionError
from pathways.programmes.models import Programme, ProgrammeVersion


def test_a_change_to_an_unknown_instrument_is_refused_and_nothing_is_saved(world: World) -> None:
    definition = copy.deepcopy(world.hiw.definition())
    definition["instrument"] = "no-such-star"
    versions = ProgrammeVersion.objects.count()
    with pytest.raises(DefinitionError) as caught:
        programmes.save_definition(
            definition=definition, actor=world.programme_manager, programme=world.hiw
        )
    assert caught.value.problems == [
        ("instrument", "no instrument has the code 'no-such-star': import it first")
    ]
    world.hiw.refresh_from_db()
    assert world.hiw.instrument == "progress-star"
    assert ProgrammeVersion.objects.count() == versions


def test_a_new_programme_with_an_unknown_instrument_is_not_created(world: World) -> None:
    definition = copy.deepcopy(world.hiw.definition())
    definition.update(code="new-programme", instrument="no-such-star")
    with pytest.raises(DefinitionError, match="instrument: no instrument has the code"):
        programmes.save_definition(definition=definition, actor=None)
    assert not Programme.objects.filter(code="new-programme").exists()


@pytest.mark.django_db
def test_loading_the_shipped_programmes_loads_their_instruments_first(capsys) -> None:
    call_command("programmes", "load")
    out = capsys.readouterr().out.splitlines()
    instruments = [line for line in out if line.startswith("instrument ")]
    assert len(instruments) == Instrument.objects.count() >= 2
    assert out[: len(instruments)] == instruments
    assert "households-into-work: version 1" in out
