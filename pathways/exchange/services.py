"""Imports started from the upload page, run by the job worker.

`start_import` keeps the uploaded bundle privately, records an ImportRun and queues the job once
the request's transaction commits, so the page answers at once. `run_import` (the job) imports it
as `pathways import` does, limited to the programmes the user manages, telling a small progress
note how far it has got: the import writes in one transaction, which nobody else can see into
until it ends, so its progress cannot live in the database. The bundle and the note are kept
where private files are (on disk, or in the bucket every app machine shares: core/files.py),
so any machine's worker can import what any machine's page received. The bundle is deleted
when the job has run.
"""

from __future__ import annotations

import json
import os
import socket
import time
import uuid
import zipfile
from pathlib import Path
from typing import Any

from django.core.files.base import ContentFile
from django.core.files.storage import Storage
from django.db import transaction
from django.utils import timezone

from pathways.accounts.models import Actor
from pathways.audit import services as audit
from pathways.audit.verbs import Verb
from pathways.core.exceptions import RuleError
from pathways.core.files import local_copy, modified_at, private_storage, read_text
from pathways.core.limits import upload_refusal
from pathways.core.problems import ImportRefused
from pathways.exchange.bundle import check_zip
from pathways.exchange.models import ImportRun
from pathways.programmes.selectors import managed_programmes

PROGRESS_SECONDS = 1.0  # the progress file is written at most this often


def uploads() -> Storage:
    """Uploaded bundles waiting for or being imported: on disk, or in the bucket every app
    machine shares (pathways/core/files.py), so a worker on another machine can import them."""
    return private_storage("imports")


def _notes() -> Storage:
    """Progress notes, each replaced whole as the import goes on."""
    return private_storage("imports", overwrite=True)


def start_import(*, actor: Actor, upload: Any, dry_run: bool) -> ImportRun:
    """Keep the uploaded .zip and queue its import; refused (RuleError), with nothing kept or
    queued, if it is not a .zip or it or its files are over the import's limits."""
    name = Path(upload.name or "").name
    if not name.lower().endswith(".zip"):
        raise RuleError({"bundle": "Choose a .zip file of the bundle's CSV files"})
    if upload.size == 0:
        raise RuleError({"bundle": "The file is empty"})
    if too_big := upload_refusal(upload.size):
        raise RuleError({"bundle": too_big})
    if not zipfile.is_zipfile(upload):
        raise RuleError({"bundle": "The file is not a .zip file"})
    try:
        check_zip(upload, name)  # its files' sizes, from its directory: nothing is unpacked
    except ImportRefused as refused:
        raise RuleError({"bundle": "; ".join(str(p) for p in refused.problems)}) from None
    stored = uploads().save(f"{uuid.uuid4().hex}.zip", upload)
    with transaction.atomic():
        run = ImportRun.objects.create(
            started_by=actor,
            original_name=name[:200],
            stored_as=stored,
            size=upload.size,
            dry_run=dry_run,
        )
        audit.record(
            actor=actor,
            verb=Verb.EXCHANGE_IMPORT_STARTED,
            target=run,
            data={"file": run.original_name, "bytes": run.size, "dry_run": dry_run},
        )
        from pathways.exchange.tasks import import_uploaded_bundle

        transaction.on_commit(lambda: import_uploaded_bundle.enqueue(run.pk))
    return run


def _progress_note(run: ImportRun) -> str:
    return f"{run.pk}.progress.json"


def progress_of(run: ImportRun) -> dict[str, Any] | None:
    """How far a running import has got: {"stage", "file", "rows"}, or None before it starts."""
    try:
        return json.loads(read_text(_notes(), _progress_note(run)) or "")
    except ValueError:
        return None


class _Progress:
    """Writes the progress note, at most once a PROGRESS_SECONDS (and whole, never half)."""

    def __init__(self, run: ImportRun) -> None:
        self.name = _progress_note(run)
        self.notes = _notes()
        self.last = 0.0
        self.stage = ""

    def __call__(self, stage: str, name: str, rows: int) -> None:
        self.stage = stage
        now = time.monotonic()
        if now - self.last < PROGRESS_SECONDS and rows:
            return
        self.last = now
        note = json.dumps({"stage": stage, "file": name, "rows": rows})
        self.notes.save(self.name, ContentFile(note.encode()))


# A run on another machine whose progress file has not moved for this long is taken as dead.
STALE_SECONDS = 30 * 60
INTERRUPTED = (
    "The import stopped before it finished (its process ended: the server restarted, or it "
    "was stopped). Nothing of it was kept. Start it again."
)
INTERRUPTED_IN_OUTCOMES = (
    "The import stopped while working out outcomes. Its records were imported; outcomes not "
    "yet worked out will be at the nightly recompute, or run `pathways outcomes recompute`."
)


def _this_worker() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


def _alive(run: ImportRun, now: float) -> bool:
    """Its process still exists (when it ran on this machine) and its progress file has moved
    lately (an import tells it how far it has got at least once a second while it works)."""
    host, _, pid = run.worker.rpartition(":")
    if host == socket.gethostname() and pid.isdigit():
        try:
            os.kill(int(pid), 0)
        except ProcessLookupError:
            return False
        except PermissionError:
            pass  # another user's process: it exists
    moved = modified_at(_notes(), _progress_note(run)) or run.started_at.timestamp()
    return now - moved < STALE_SECONDS


def mark_interrupted() -> list[ImportRun]:
    """Runs left "running" by a process that died are marked failed, once, and audited. The
    import wrote in one transaction, which the database rolled back when the process died."""
    now = time.time()
    failed = []
    for run in ImportRun.objects.filter(status=ImportRun.Status.RUNNING).exclude(worker=""):
        if _alive(run, now):
            continue
        progress = progress_of(run) or {}
        in_outcomes = progress.get("stage") == "Working out outcomes"
        with transaction.atomic():
            changed = ImportRun.objects.filter(pk=run.pk, status=ImportRun.Status.RUNNING).update(
                status=ImportRun.Status.FAILED,
                error=INTERRUPTED_IN_OUTCOMES if in_outcomes else INTERRUPTED,
                finished_at=timezone.now(),
            )
            if changed:
                audit.record(
                    actor=None,
                    verb=Verb.EXCHANGE_IMPORT_INTERRUPTED,
                    target=run,
                    data={"file": run.original_name, "stage": progress.get("stage", "")},
                )
        if changed:
            if run.stored_as:
                uploads().delete(run.stored_as)
            _notes().delete(_progress_note(run))
            run.refresh_from_db()
            failed.append(run)
    return failed


def carry_out(run: ImportRun, path: Path, programmes: set[str] | None) -> Any:
    """Import `path` for the run and return the importer's summary, recording what came of it
    on the run (which is saved and committed as running first, so a process that dies leaves a
    run to be found)."""
    from pathways.exchange.importer import import_bundle

    run.status = ImportRun.Status.RUNNING
    run.worker = _this_worker()
    run.save(update_fields=["status", "worker"])
    progress = _Progress(run)
    try:
        summary = import_bundle(
            path,
            actor=run.started_by,
            dry_run=run.dry_run,
            progress=progress,
            programmes=programmes,
        )
    except ImportRefused as refused:
        run.status = ImportRun.Status.REFUSED
        run.problems = [vars(problem) for problem in refused.problems]
        raise
    except Exception as error:  # recorded for the user; the worker logs the traceback
        run.status = ImportRun.Status.FAILED
        run.error = f"{type(error).__name__}: {error}"[:500]
        raise
    except BaseException:  # the process is being stopped (SIGTERM to the worker, Ctrl+C)
        run.status = ImportRun.Status.FAILED
        in_outcomes = progress.stage == "Working out outcomes"
        run.error = INTERRUPTED_IN_OUTCOMES if in_outcomes else INTERRUPTED
        audit.record(
            actor=None,
            verb=Verb.EXCHANGE_IMPORT_INTERRUPTED,
            target=run,
            data={"file": run.original_name, "stage": progress.stage},
        )
        raise
    else:
        run.status = ImportRun.Status.CHECKED if run.dry_run else ImportRun.Status.DONE
        run.summary = {name: dict(counts) for name, counts in summary.counts.items()}
        run.seconds = round(summary.seconds, 1)
    finally:
        run.finished_at = timezone.now()
        run.save()
        _notes().delete(_progress_note(run))
    return summary


def run_import(run_id: int) -> ImportRun:
    """The job: import the run's bundle as its user may, and record what came of it."""
    mark_interrupted()
    run = ImportRun.objects.select_related("started_by").get(pk=run_id)
    if run.status != ImportRun.Status.QUEUED:
        return run  # run already (a job is never run twice)
    may = set(managed_programmes(run.started_by).values_list("code", flat=True))
    try:
        with local_copy(uploads(), run.stored_as) as path:
            carry_out(run, path, may)
    except ImportRefused:
        pass  # recorded on the run for the user
    finally:
        uploads().delete(run.stored_as)
    return run
