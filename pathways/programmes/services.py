"""Writing programmes: every change is validated, versioned and audited."""

from __future__ import annotations

import tomllib
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.db import transaction
from django.utils import timezone

from pathways.accounts.models import Actor
from pathways.areas.models import LocalAuthority
from pathways.audit import services as audit
from pathways.audit.verbs import Verb
from pathways.programmes.definition import DefinitionError, clean_definition
from pathways.programmes.models import Programme, ProgrammeVersion
from pathways.programmes.signals import definition_saving, programme_changed

DEFINITIONS_DIR = Path(__file__).resolve().parent / "definitions"


def read_definition_file(path: Path) -> dict:
    """A TOML definition file as a dict; a file that is not TOML is a DefinitionError."""
    try:
        with path.open("rb") as handle:
            return tomllib.load(handle)
    except tomllib.TOMLDecodeError as error:
        raise DefinitionError([("file", f"is not valid TOML: {error}")]) from None
    except OSError as error:
        raise DefinitionError([("file", f"cannot be read: {error.strerror}")]) from None


def shipped_definition_files() -> list[Path]:
    """The definitions Pathways ships (programmes.md)."""
    return sorted(DEFINITIONS_DIR.glob("*.toml"))


@transaction.atomic
def save_definition(
    *,
    definition: dict[str, Any],
    actor: Actor,
    reason: str = "",
    programme: Programme | None = None,
) -> tuple[Programme, bool]:
    """Create or update a programme from a definition; return it and whether it changed.

    With `programme` given, the definition must keep that programme's code.
    """
    known = set(LocalAuthority.objects.values_list("code", flat=True))
    cleaned = clean_definition(definition, known_local_authorities=known)
    definition_saving.send(sender=Programme, definition=cleaned)
    if programme is not None and cleaned["code"] != programme.code:
        raise DefinitionError([("code", "cannot be changed once a programme exists")])
    if programme is None:
        programme = Programme.objects.select_for_update().filter(code=cleaned["code"]).first()
    created = programme is None
    before = {} if created else programme.definition()
    if not created and before == cleaned:
        return programme, False
    if created:
        programme = Programme(code=cleaned["code"])
    programme.name = cleaned["name"]
    programme.description = cleaned["description"]
    programme.funder = cleaned["funder"]
    programme.start_date = cleaned["start_date"]
    programme.end_date = cleaned["end_date"]
    programme.support_months = cleaned["support_months"]
    programme.budget_per_household_pence = int(Decimal(cleaned["budget_per_household"]) * 100)
    programme.instrument = cleaned["instrument"]
    programme.privacy_notice_version = cleaned["privacy_notice_version"]
    programme.retention_years = cleaned["retention_years"]
    programme.lsoas = cleaned["lsoas"]
    programme.eligibility = cleaned["eligibility"]
    programme.measures = cleaned["measures"]
    programme.targets = cleaned["targets"]
    programme.outcome_payments = cleaned["outcome_payments"]
    programme.disclosure = cleaned["disclosure"]
    programme.budget_rules = cleaned["budget_rules"]
    programme.version += 1
    programme.updated_at = timezone.now()
    programme.save()
    programme.local_authorities.set(
        LocalAuthority.objects.filter(code__in=cleaned["local_authorities"])
    )
    programme.refresh_from_db()
    after = programme.definition()
    programme_changed.send(sender=Programme, programme=programme, before=before, after=after)
    ProgrammeVersion.objects.create(
        programme=programme,
        number=programme.version,
        definition=after,
        reason=reason,
        created_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    audit.record(
        actor=actor,
        verb=Verb.PROGRAMME_CREATED if created else Verb.PROGRAMME_CHANGED,
        target=programme,
        programme=programme,
        data={
            "version": programme.version,
            "reason": reason,
            "changes": audit.changes(before, after),
        },
    )
    return programme, True
