"""A programme names the instrument its readings use: it must exist before the programme is
saved, and `pathways programmes load` loads the shipped instruments before the shipped programmes."""

from __future__ import annotations

from typing import Any

from django.dispatch import receiver

from pathways.assessments.models import Instrument
from pathways.assessments.services import load_shipped_instruments
from pathways.programmes.definition import DefinitionError
from pathways.programmes.signals import definition_saving, programmes_loading


@receiver(definition_saving)
def the_instrument_must_exist(sender: Any, definition: dict, **kwargs: Any) -> None:
    code = definition["instrument"]
    if not Instrument.objects.filter(code=code).exists():
        raise DefinitionError(
            [("instrument", f"no instrument has the code {code!r}: import it first")]
        )


@receiver(programmes_loading)
def the_shipped_instruments_first(sender: Any, **kwargs: Any) -> list[str]:
    # The instruments the shipped programmes use (Progress Star, the SAP questionnaire).
    return [
        f"instrument {instrument.code}: version {instrument.version}"
        for instrument in load_shipped_instruments()
    ]
