"""Writing households.csv: new households in bulk, held ones updated (and audited) only where
the row changes them, and the budget of every household the bundle starts."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from pathways.areas.selectors import lsoas_for_postcodes
from pathways.audit import services as audit
from pathways.audit.verbs import Verb
from pathways.budgets.allocation import allocate_many
from pathways.core import bulk
from pathways.core.postcodes import postcode_key
from pathways.exchange import schema
from pathways.exchange.writers.state import Chunk, ImportState, values_of
from pathways.households import rules
from pathways.households.models import Household, TimelineEntry
from pathways.households.places import locate
from pathways.programmes.models import Programme

# A household's fields and the households.csv columns they come from, where the names differ.
HOUSEHOLD_COLUMNS = {
    "local_authority_id": "local_authority",
    "advocate_id": "advocate",
    "address_line_1": "x_address_line_1",
}


def write(state: ImportState, chunk: Chunk) -> None:
    """Write a chunk of households.csv, programme by programme."""
    by_programme: dict[str, list[tuple[int, dict, dict]]] = defaultdict(list)
    for line, cells in chunk:
        values = values_of(schema.HOUSEHOLDS, cells)
        by_programme[values["programme"]].append((line, cells, values))
    # Where the chunk's postcodes lie, looked up once (households.csv's postcode is there
    # only to place the household in its LSOA).
    state.places = lsoas_for_postcodes(
        postcode_key(cells.get("postcode", "")) for _line, cells in chunk
    )
    for code, rows in by_programme.items():
        _write_programme(state, state.programmes[code], rows)


def _write_programme(
    state: ImportState, programme: Programme, rows: list[tuple[int, dict, dict]]
) -> None:
    existing = {
        h.reference: h
        for h in Household.objects.filter(
            programme=programme, reference__in=[v["household_ref"] for _, _, v in rows]
        ).select_related("programme")
    }
    new = []
    starting: list[Household] = []  # held households this bundle starts
    for _line, cells, v in rows:
        fields = _household_fields(state, cells, v)
        household = existing.get(v["household_ref"])
        if household is None:
            household = Household(programme=programme, reference=v["household_ref"], **fields)
            _status(state, household, programme)
            new.append(household)
            continue
        changed = _update(state, household, programme, cells, fields)
        if "start_date" in changed and household.start_date:
            starting.append(household)
    bulk.insert_objects(Household, new)
    _ids_of_new(state, programme, new)
    # A household the bundle starts gets its budget, as one started on the pages does.
    allocate_many(actor=state.actor, households=starting + [h for h in new if h.start_date])
    bulk.insert(
        TimelineEntry,
        ("household_id", "on", "at", "kind", "summary", "actor_id"),
        (
            (
                h.pk,
                h.referral_date or state.now.date(),
                state.now,
                "import",
                "Imported from an exchange bundle",
                state.actor_id,
            )
            for h in new
        ),
    )
    state.summary.add("households.csv", "created", len(new))


def _update(
    state: ImportState, household: Household, programme: Programme, cells: dict, fields: dict
) -> dict[str, dict]:
    """Bring a held household up to its row; returns what changed (audited)."""
    # Only the columns the bundle has: a missing column changes nothing.
    fields = {
        name: value for name, value in fields.items() if HOUSEHOLD_COLUMNS.get(name, name) in cells
    }
    changed = {
        name: {"before": str(getattr(household, name)), "after": str(value)}
        for name, value in fields.items()
        if getattr(household, name) != value
    }
    state.household_ids[household.reference] = household.pk
    state.household_programme[household.pk] = programme
    if not changed:
        state.summary.add("households.csv", "unchanged")
        return changed
    for name, value in fields.items():
        setattr(household, name, value)
    _status(state, household, programme, set(changed))
    household.updated_at = state.now
    household.save()
    audit.record(
        actor=state.actor,
        verb=Verb.HOUSEHOLD_IMPORTED_CHANGE,
        target=household,
        programme=programme,
        data={"changes": changed},
    )
    state.touched.add(household.pk)
    state.summary.add("households.csv", "updated")
    return changed


def _household_fields(state: ImportState, cells: dict, v: dict) -> dict[str, Any]:
    la = (
        state.authorities.get(v["local_authority"])
        or state.authorities[v["local_authority"].lower()]
    )
    return {
        "local_authority_id": state.authority_ids[la],
        "lsoa": v.get("lsoa") or "",
        "postcode": v.get("postcode") or "",
        "referral_source": v.get("referral_source") or "",
        "referral_date": v.get("referral_date"),
        "start_date": v.get("start_date"),
        "end_date": v.get("end_date"),
        "exit_reason": v.get("exit_reason") or "",
        "advocate_id": state.advocates.get((v.get("advocate") or "").lower()),
        "income_band": v.get("income_band") or "",
        "debt_band": v.get("debt_band") or "",
        "tenure": v.get("tenure") or "",
        # Only a bundle that carries addresses changes them (an extract without names and
        # addresses leaves them as they are).
        **(
            {"address_line_1": cells["x_address_line_1"][:200]}
            if "x_address_line_1" in cells
            else {}
        ),
    }


def _status(
    state: ImportState,
    household: Household,
    programme: Programme,
    changed: set[str] | None = None,
) -> None:
    """What follows from a household's row: its council, postcode key and stage. For a held
    household (`changed`: the fields the row changed) only what those changes touch, so a
    new tenure leaves a declined household declined and its team where it is."""
    if changed is None or "local_authority_id" in changed:
        council = state.councils.get(household.local_authority_id)
        household.organisation_id = council.pk if council else None
    locate(household, lsoa_given=changed is not None and "lsoa" in changed, places=state.places)
    if changed is not None and not {"start_date", "end_date"} & changed:
        return
    if household.end_date:
        household.status = Household.Status.ENDED
    elif household.start_date:
        household.status = Household.Status.STARTED
    else:
        household.status = Household.Status.REFERRED
    if household.start_date:
        household.eligibility = "eligible"
        household.allocated_on = household.allocated_on or household.start_date
        household.support_end_date = rules.support_end_date(
            household.start_date, programme.support_months
        )


def _ids_of_new(state: ImportState, programme: Programme, new: list[Household]) -> None:
    ids = dict(
        Household.objects.filter(
            programme=programme, reference__in=[h.reference for h in new]
        ).values_list("reference", "pk")
    )
    for household in new:
        household.pk = ids[household.reference]
        state.household_ids[household.reference] = household.pk
        state.household_programme[household.pk] = programme
        state.touched.add(household.pk)
