"""Importing a bundle: checked whole first (nothing written if anything is wrong), then written
in one transaction, file by file, a chunk of rows at a time.

Idempotent on the refs: a row that matches what is held changes nothing; a changed row updates
the record it refers to (and the change is audited); rows without a ref of their own (readings,
activities, spells, budget lines, onward referrals) are known by their person, date and kind and
their place among such rows. The summary says, file by file, what was created, updated and
unchanged.
"""

import time
from collections.abc import Callable, Iterator
from pathlib import Path

from django.db import connection, transaction

from pathways.accounts.models import Actor
from pathways.assessments.models import Reading, Score
from pathways.audit import services as audit
from pathways.audit.verbs import Verb
from pathways.budgets.models import Budget, Entry
from pathways.casework.due_dates import refresh_due_dates
from pathways.casework.models import Activity, OnwardReferral
from pathways.core.csvfiles import read_rows
from pathways.core.problems import ImportRefused, Problem
from pathways.exchange import schema
from pathways.exchange.bundle import Bundle
from pathways.exchange.check import check_bundle, context_from_database
from pathways.exchange.writers import activities, budget, households, people, readings, spells
from pathways.exchange.writers.state import Chunk, ImportState, Summary
from pathways.households.models import Consent, Household, Person, TimelineEntry
from pathways.outcomes.batches import recompute_many
from pathways.outcomes.models import EmploymentSpell
from pathways.privacy.models import ProcessingRecord

CHUNK = 2000
# The files written a chunk at a time, in this order (each refers only to those before it).
WRITERS: tuple[tuple[schema.FileSpec, Callable[[ImportState, Chunk], None]], ...] = (
    (schema.HOUSEHOLDS, households.write),
    (schema.PEOPLE, people.write),
    (schema.STAR_READINGS, readings.write),
    (schema.ACTIVITIES, activities.activities),
    (schema.EMPLOYMENT, spells.write),
    (schema.REFERRALS_OUT, activities.referrals),
)
ANALYSE_FROM = 50_000  # rows written, from which PostgreSQL's planner is told of them


def import_bundle(
    path: Path,
    *,
    actor: Actor = None,
    dry_run: bool = False,
    progress: Callable[[str, str, int], None] | None = None,
    programmes: set[str] | None = None,
) -> Summary:
    """Check the bundle; if anything is wrong raise ImportRefused with every problem, having
    written nothing; otherwise write it all (or, with `dry_run`, nothing) and say what changed.

    `progress(stage, file, rows)` hears how far it has got; `programmes`, when given, are the
    only programme codes the bundle may write to (a programme manager's own).
    """
    began = time.perf_counter()
    told = progress or (lambda stage, name, rows: None)
    bundle = Bundle(path)
    try:
        checking = time.perf_counter()
        context = context_from_database()
        context.managed = programmes
        checked = check_bundle(bundle, context, told)
        checking = time.perf_counter() - checking
        if checked.problems:
            if checked.more_problems:
                checked.problems.append(
                    Problem("", 0, "", "", f"and {checked.more_problems:,} more problems")
                )
            raise ImportRefused(checked.problems)
        summary = Summary(dry_run=dry_run)
        summary.timings["check"] = checking
        with transaction.atomic():
            state = ImportState(bundle, checked, actor, summary, told)
            _write(state)
            if dry_run:
                transaction.set_rollback(True)
        if not dry_run:
            # Outcomes are worked out from what was imported once it is in (on PostgreSQL in
            # two processes); like the nightly recompute, they follow the records.
            outcomes_began = time.perf_counter()
            for programme, ids in state.touched_by_programme().items():
                told("Working out outcomes", "", len(ids))
                recompute_many(programme, ids)
            summary.timings["outcomes"] = time.perf_counter() - outcomes_began
    finally:
        bundle.close()
    summary.seconds = time.perf_counter() - began
    return summary


def _write(state: ImportState) -> None:
    """Every file of the bundle, in order, then what follows from them all."""
    names = state.bundle.names()
    for spec, write in WRITERS:
        if spec.name in names:
            began = time.perf_counter()
            optional = set(spec.columns) | {
                p.code for i in state.instruments.values() for p in i.points.all()
            }
            done = 0
            for chunk in _chunks(state.bundle, spec, optional):
                write(state, chunk)
                done += len(chunk)
                state.progress("Importing", spec.name, done)
            state.summary.timings[spec.name] = time.perf_counter() - began
    began = time.perf_counter()
    if schema.BUDGET.name in names:
        state.progress("Importing", schema.BUDGET.name, 0)
        budget.write(state)
    state.summary.timings["budget.csv"] = time.perf_counter() - began
    began = time.perf_counter()
    _analyse(state.summary)
    state.summary.timings["statistics"] = time.perf_counter() - began
    began = time.perf_counter()
    # Due dates of every household the bundle touched (casework's rule, in batches).
    refresh_due_dates(sorted(state.touched))
    state.summary.timings["due dates"] = time.perf_counter() - began
    audit.record(
        actor=state.actor,
        verb=Verb.EXCHANGE_IMPORTED,
        data={name: dict(c) for name, c in state.summary.counts.items()},
        target_label=state.bundle.path.name,
    )


def _chunks(
    bundle: Bundle, spec: schema.FileSpec, optional: set[str]
) -> Iterator[list[tuple[int, dict]]]:
    chunk: list[tuple[int, dict]] = []
    with bundle.open(spec.name) as stream:
        for item in read_rows(
            stream, name=spec.name, required=set(spec.required), optional=optional
        ):
            if isinstance(item, Problem):  # checked already: cannot happen on the second read
                raise ImportRefused([item])
            line, cells = item
            chunk.append((line, cells))
            if len(chunk) == CHUNK:
                yield chunk
                chunk = []
    if chunk:
        yield chunk


def _analyse(summary: Summary) -> None:
    """After a large import, PostgreSQL's statistics of the tables still describe them as
    they were (perhaps empty), and its plans for the due dates and outcomes that follow
    would be chosen for that: ANALYZE them (it sees this transaction's own rows)."""
    if (
        connection.vendor != "postgresql"
        or summary.rows < ANALYSE_FROM
        or summary.dry_run  # nothing will be kept
    ):
        return
    with connection.cursor() as cursor:
        for model in (
            Household,
            Person,
            Consent,
            ProcessingRecord,
            TimelineEntry,
            Reading,
            Score,
            Activity,
            EmploymentSpell,
            OnwardReferral,
            Budget,
            Entry,
        ):
            cursor.execute(f"ANALYZE {connection.ops.quote_name(model._meta.db_table)}")
