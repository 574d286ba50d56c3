"""Writing people.csv: new members in bulk with their consent and the bases it brings, held
ones updated (and audited) only where the row changes them."""

from __future__ import annotations

from typing import Any

from pathways.audit import services as audit
from pathways.audit.verbs import Verb
from pathways.core import bulk
from pathways.exchange import schema
from pathways.exchange.writers.state import Chunk, ImportState, values_of
from pathways.households import rules
from pathways.households.models import Consent, Person
from pathways.privacy.models import ProcessingRecord
from pathways.privacy.services import NOTICE_BASES

NewPerson = tuple[dict[str, Any], Any]  # a new member's values and their consent date


def write(state: ImportState, chunk: Chunk) -> None:
    """Write a chunk of people.csv."""
    rows = [(cells, values_of(schema.PEOPLE, cells)) for _, cells in chunk]
    household_ids = {state.household_ids[v["household_ref"]] for _, v in rows}
    existing = {
        (p.household_id, p.reference): p
        for p in Person.objects.filter(household_id__in=household_ids)
    }
    new: list[NewPerson] = []
    for cells, v in rows:
        household_id = state.household_ids[v["household_ref"]]
        fields = _person_fields(v)
        person = existing.get((household_id, v["person_ref"]))
        if person is None:
            new.append((_new_person(household_id, cells, v, fields), v.get("consent_date")))
        else:
            _update(state, person, household_id, cells, fields)
    _insert(state, new)
    state.summary.add("people.csv", "created", len(new))


def _person_fields(v: dict) -> dict[str, Any]:
    return {
        "role": v["role"],
        "date_of_birth": v.get("date_of_birth"),
        "age_band": v.get("age_band") or "",
        "gender": v.get("gender") or "",
        "ethnicity": v.get("ethnicity") or "",
        "participant": v.get("participant"),
        "time_since_work": v.get("time_since_work") or "",
        "benefits": v.get("benefits") or [],
        "qualification": v.get("qualification") or "",
        "support_needs": v.get("support_needs") or [],
    }


def _new_person(household_id: int, cells: dict, v: dict, fields: dict) -> dict[str, Any]:
    given = (cells.get("x_given_name") or "Person")[:100]
    family = (cells.get("x_family_name") or v["person_ref"])[:100]
    return {
        "household_id": household_id,
        "reference": v["person_ref"],
        "given_name": given,
        "family_name": family,
        "given_key": rules.name_key(given),
        "family_key": rules.name_key(family),
        **fields,
    }


def _update(
    state: ImportState, person: Person, household_id: int, cells: dict, fields: dict
) -> None:
    """Bring a held member up to their row: only the columns the bundle has."""
    state.person_ids[person.reference] = person.pk
    state.person_household[person.pk] = household_id
    fields = {name: value for name, value in fields.items() if name in cells}
    changed = {
        name: {"before": str(getattr(person, name)), "after": str(value)}
        for name, value in fields.items()
        if getattr(person, name) != value
    }
    if not changed:
        state.summary.add("people.csv", "unchanged")
        return
    for name, value in fields.items():
        setattr(person, name, value)
    person.updated_at = state.now
    person.save()
    audit.record(
        actor=state.actor,
        verb=Verb.PERSON_IMPORTED_CHANGE,
        target=person,
        programme=state.household_programme[household_id],
        data={"changes": changed},
    )
    state.touched.add(household_id)
    state.summary.add("people.csv", "updated")


def _insert(state: ImportState, new: list[NewPerson]) -> None:
    """The new members as plain values over Person's defaults, then their consents."""
    defaults = {
        f.attname: f.get_default() for f in Person._meta.concrete_fields if not f.primary_key
    }
    defaults.update(created_at=state.now, updated_at=state.now)
    columns = list(defaults)
    bulk.insert(
        Person,
        columns,
        (tuple({**defaults, **values}[c] for c in columns) for values, _ in new),
    )
    ids = {
        (household_id, reference): pk
        for pk, household_id, reference in Person.objects.filter(
            household_id__in={values["household_id"] for values, _ in new}
        ).values_list("pk", "household_id", "reference")
    }
    consents = []
    for values, consent in new:
        household_id = values["household_id"]
        pk = ids[(household_id, values["reference"])]
        state.person_ids[values["reference"]] = pk
        state.person_household[pk] = household_id
        state.new_people.add(pk)
        state.touched.add(household_id)
        if consent:
            programme = state.household_programme[household_id]
            consents.append(
                (pk, consent, programme.privacy_notice_version, state.actor_id, state.now)
            )
    _record_consents(consents)


def _record_consents(consents: list[tuple]) -> None:
    bulk.insert(
        Consent,
        ("person_id", "given_on", "notice_version", "recorded_by_id", "recorded_at"),
        consents,
    )
    # Consent to the notice brings the bases the notice states (privacy.services).
    bulk.insert(
        ProcessingRecord,
        (
            "person_id",
            "purpose",
            "lawful_basis",
            "special_condition",
            "given_on",
            "notice_version",
            "recorded_by_id",
            "recorded_at",
            "withdrawal_reason",
        ),
        [
            (pk, purpose, basis, condition, given_on, version, actor, at, "")
            for pk, given_on, version, actor, at in consents
            for purpose, (basis, condition) in NOTICE_BASES.items()
        ],
    )
