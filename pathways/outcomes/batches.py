"""Recomputing many households at once: a list of them or a whole programme, a batch at a time,
shared between worker processes on PostgreSQL."""

from __future__ import annotations

import multiprocessing
import threading
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor

from django.db import connection, connections, transaction

from pathways.households.models import Household
from pathways.outcomes.engine import Recomputed, recompute_households
from pathways.programmes.models import Programme


def recompute_programme(
    programme: Programme, *, batch: int = 1000, workers: int | None = None
) -> Recomputed:
    """Every household of a programme, a batch at a time (memory stays flat as it grows)."""
    return recompute_many(programme, None, batch=batch, workers=workers)


def recompute_many(
    programme: Programme,
    household_ids: list[int] | None,
    *,
    batch: int = 1000,
    workers: int | None = None,
) -> Recomputed:
    """These households of a programme (None: all of them), a batch at a time.

    On PostgreSQL two worker processes share the batches by default (the work is half Python,
    half database), when this process is a plain command (the CLI, the job worker); on SQLite,
    whose writers queue one at a time, inside a transaction and beside other threads, one
    process does them all.
    """
    if workers is None:
        workers = 2
    if (
        workers <= 1
        or connection.vendor != "postgresql"
        # inside a transaction other processes would not see its rows
        or connection.in_atomic_block
        # forking a process that runs other threads can leave a child waiting on their locks
        or threading.active_count() > 1
    ):
        result = _recompute_share(programme.pk, household_ids, batch, 0, 1)
        result.processes = 1
        return result
    connections.close_all()  # each process opens its own connection
    total = Recomputed()
    shares = [(programme.pk, household_ids, batch, n, workers) for n in range(workers)]
    with ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("fork")) as pool:
        for part in pool.map(_recompute_share, *zip(*shares, strict=True)):
            total.add(part)
    total.processes = workers
    return total


def _batches(
    programme: Programme, household_ids: list[int] | None, batch: int
) -> Iterator[list[int]]:
    if household_ids is not None:
        ordered = sorted(household_ids)
        for start in range(0, len(ordered), batch):
            yield ordered[start : start + batch]
        return
    ids = Household.objects.filter(programme=programme).order_by("pk").values_list("pk", flat=True)
    last = 0
    while True:
        chunk = list(ids.filter(pk__gt=last)[:batch])
        if not chunk:
            return
        yield chunk
        last = chunk[-1]


def _recompute_share(
    programme_id: int, household_ids: list[int] | None, batch: int, share: int, shares: int
) -> Recomputed:
    """Batches number `share`, `share + shares`, … of the households."""
    programme = Programme.objects.get(pk=programme_id)
    total = Recomputed()
    for number, chunk in enumerate(_batches(programme, household_ids, batch)):
        if number % shares == share:
            with transaction.atomic():
                total.add(recompute_households(programme, chunk, story=False))
    return total
