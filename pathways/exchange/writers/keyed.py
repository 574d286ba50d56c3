"""Writing the files whose rows have no ref of their own (activities, employment spells, onward
referrals): each row is known by its person and a key (a date and a kind) and its place among
rows with the same key, or by the `x_ref` an exported bundle gives it."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from pathways.audit import services as audit
from pathways.audit.verbs import Verb
from pathways.core import bulk
from pathways.exchange import schema
from pathways.exchange.writers.state import Chunk, ImportState, values_of

Row = tuple[int, str, dict]  # person id, reference, the row's values


def write_keyed(
    state: ImportState,
    name: str,
    model: Any,
    chunk: Chunk,
    key_of: Callable[[dict], tuple],
    build: Callable[[int, dict, str], dict[str, Any]],
    fields: tuple[str, ...],
) -> None:
    """Rows without a ref: known by (person, key) and their place among equal keys, or by
    the row's `x_ref` when it has one (an exported bundle's: see `export.x_ref`)."""
    spec = next(s for s in schema.FILES if s.name == name)
    rows, named = _rows(state, name, spec, chunk, key_of)
    existing = _held(state, model, rows, named)
    new = []
    for person, reference, v in rows:
        obj = existing.get((person, reference))
        values = build(person, v, reference)
        if obj is None:
            new.append(values)
        else:
            _update(state, name, model, obj, values, fields)
    # New rows as plain values over the model's defaults (no model instances: hundreds of
    # thousands of them at a programme's first import).
    defaults = {
        f.attname: f.get_default() for f in model._meta.concrete_fields if not f.primary_key
    }
    columns = list(defaults)
    bulk.insert(
        model, columns, (tuple({**defaults, **values}[c] for c in columns) for values in new)
    )
    state.touched.update(state.households_of({r[0] for r in rows}))
    state.summary.add(name, "created", len(new))


def _rows(
    state: ImportState,
    name: str,
    spec: schema.FileSpec,
    chunk: Chunk,
    key_of: Callable[[dict], tuple],
) -> tuple[list[Row], dict[int, int]]:
    """The chunk's rows with the reference each is known by, and the rows naming a record of
    this database (row index -> pk)."""
    rows: list[Row] = []
    named: dict[int, int] = {}  # rows naming a record of this database: row -> pk
    for _, cells in chunk:
        v = values_of(spec, cells)
        person = state.person_id(v["person_ref"])
        x_ref = cells.get("x_ref", "")
        if x_ref.startswith("ref:"):  # the key an earlier import gave it
            reference = x_ref[4:][:60]
        elif x_ref:
            reference = f"x:{x_ref}"[:60]
            if x_ref.startswith("id:") and x_ref[3:].isdigit():
                named[len(rows)] = int(x_ref[3:])
        else:
            key = key_of(v)
            state.seen[(name, person, key)] += 1
            reference = f"{':'.join(str(k) for k in key)}:{state.seen[(name, person, key)]}"
            reference = reference[:60]
        rows.append((person, reference, v))
    return rows, named


def _held(
    state: ImportState, model: Any, rows: list[Row], named: dict[int, int]
) -> dict[tuple[int, str], Any]:
    """The held records the rows refer to, by (person, reference)."""
    held = model.objects.filter(person_id__in={r[0] for r in rows} - state.new_people)
    existing = {(obj.person_id, obj.reference): obj for obj in held.exclude(reference="")}
    # A record made in Pathways (no reference) is matched by its id, for its own person only.
    made_here = {obj.pk: obj for obj in held.filter(reference="", pk__in=list(named.values()))}
    for index, pk in named.items():
        person, reference, v = rows[index]
        obj = made_here.get(pk)
        if obj is not None and obj.person_id == person:
            existing[(person, reference)] = obj
    return existing


def _update(
    state: ImportState,
    name: str,
    model: Any,
    obj: Any,
    values: dict[str, Any],
    fields: tuple[str, ...],
) -> None:
    """Bring a held record up to its row (audited), or count it unchanged."""
    changed = {
        f: {"before": str(getattr(obj, f)), "after": str(values[f])}
        for f in fields
        if getattr(obj, f) != values[f]
    }
    if not changed:
        state.summary.add(name, "unchanged")
        return
    for f in fields:
        setattr(obj, f, values[f])
    obj.save()
    audit.record(
        actor=state.actor,
        verb=Verb(f"{model._meta.model_name}.imported_change"),
        target=obj,
        data={"changes": changed},
    )
    state.summary.add(name, "updated")
