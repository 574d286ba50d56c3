"""Is this Pathways ready to serve? What /readyz and `pathways status` report.

Ready means: the database answers, every migration this code knows of has been applied, the
static files have been collected (when they are served collected), and a job worker has
reported within PATHWAYS_WORKER_SILENT_SECONDS. Each check says why when it fails.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

from django.conf import settings
from django.contrib.staticfiles.storage import staticfiles_storage
from django.db import DatabaseError, connection
from django.db.migrations.loader import MigrationLoader
from django.db.migrations.recorder import MigrationRecorder
from django.utils import timezone

from pathways.core.database_roles import app_role_owns_tables
from pathways.operations.models import ProcessBeat


@dataclass(frozen=True)
class Check:
    name: str
    ok: bool
    detail: str


@functools.cache
def _migrations_on_disk() -> tuple[frozenset[tuple[str, str]], dict[tuple[str, str], tuple]]:
    """The migrations this code holds (read from disk once: code does not change while it runs),
    and for a squashed migration the ones it replaces."""
    loader = MigrationLoader(None, ignore_no_migrations=True)
    replaces = {key: tuple(m.replaces) for key, m in loader.replacements.items()}
    return frozenset(loader.graph.nodes), replaces


def database() -> Check:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError as error:
        return Check("database", False, f"the database cannot be reached: {error}".strip())
    return Check("database", True, f"{connection.vendor} answers")


def migrations() -> Check:
    on_disk, replaces = _migrations_on_disk()
    applied = set(MigrationRecorder(connection).applied_migrations())
    pending = sorted(
        key
        for key in on_disk
        if key not in applied and not (key in replaces and set(replaces[key]) <= applied)
    )
    if not applied:
        return Check(
            "migrations", False, "the database has not been migrated: run pathways migrate"
        )
    if pending:
        names = ", ".join(f"{app}.{name}" for app, name in pending[:5])
        more = f" and {len(pending) - 5} more" if len(pending) > 5 else ""
        return Check(
            "migrations", False, f"{len(pending)} not applied ({names}{more}): run pathways migrate"
        )
    return Check("migrations", True, f"all {len(on_disk)} applied")


def static_files() -> Check:
    if settings.STATIC_FROM_FINDERS:
        return Check("static files", True, "served from the source folders")
    if not staticfiles_storage.exists(staticfiles_storage.manifest_name):
        return Check("static files", False, "not collected: run pathways collectstatic --no-input")
    return Check("static files", True, "collected")


def _latest(kind: str) -> ProcessBeat | None:
    return ProcessBeat.objects.filter(kind=kind).order_by("-seen_at").first()


def worker() -> Check:
    latest = _latest(ProcessBeat.Kind.WORKER)
    limit = settings.WORKER_SILENT_SECONDS
    if latest is None:
        return Check("job worker", False, "no job worker has reported: start pathways worker")
    silent = (timezone.now() - latest.seen_at).total_seconds()
    if silent > limit:
        return Check(
            "job worker",
            False,
            f"no job worker has reported for {silent:.0f} seconds (more than {limit}); "
            f"the last was {latest.name}",
        )
    return Check("job worker", True, f"{latest.name} reported {silent:.0f} seconds ago")


def scheduler() -> Check:
    """Not part of readiness (the web can serve without it), but shown by `pathways status`."""
    latest = _latest(ProcessBeat.Kind.SCHEDULER)
    if latest is None:
        return Check("scheduler", False, "no scheduler has reported: start pathways scheduler")
    silent = (timezone.now() - latest.seen_at).total_seconds()
    ok = silent <= max(settings.WORKER_SILENT_SECONDS, 180)
    return Check("scheduler", ok, f"{latest.name} reported {silent:.0f} seconds ago")


def audit_log_protection() -> Check:
    """Not part of readiness either: whether the app's database role could rewrite the audit
    log (it owns the tables: PATHWAYS_MIGRATE_DATABASE_URL not in use, docs/deploy.md)."""
    if connection.vendor != "postgresql":
        return Check("audit log", True, "append-only by trigger (SQLite has no roles)")
    if app_role_owns_tables():
        return Check(
            "audit log",
            False,
            "the app's database role owns the tables, so it could rewrite the audit log: "
            "give migrations their own role (PATHWAYS_MIGRATE_DATABASE_URL, docs/deploy.md)",
        )
    return Check("audit log", True, "the app's role may only add to it")


def readiness() -> list[Check]:
    """The checks in order; once the database fails, nothing after it can be asked."""
    first = database()
    if not first.ok:
        return [first]
    checks = [first, migrations(), static_files()]
    try:
        checks.append(worker())
    except DatabaseError:  # the table is not there yet: the migrations check says why
        checks.append(Check("job worker", False, "cannot be told until the database is migrated"))
    return checks
