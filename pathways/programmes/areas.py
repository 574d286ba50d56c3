"""A programme's chosen area: a neighbourhood tied to the programme, set only by its managers."""

from __future__ import annotations

from pathways.accounts.models import Actor
from pathways.areas.models import Neighbourhood
from pathways.areas.services import NeighbourhoodError, save_neighbourhood
from pathways.programmes.models import Programme
from pathways.programmes.selectors import managed_programmes


def save_programme_area(
    *, actor: Actor, programme: Programme, name: str, codes: list[str], description: str = ""
) -> Neighbourhood:
    """A neighbourhood saved as `programme`'s chosen area; the actor must manage the programme
    (NeighbourhoodError otherwise, as for a neighbourhood that cannot be saved). Audited."""
    if not managed_programmes(actor).filter(pk=programme.pk).exists():
        raise NeighbourhoodError("Only the programme's managers may set its area")
    return save_neighbourhood(
        actor=actor, name=name, codes=codes, description=description, programme=programme
    )
