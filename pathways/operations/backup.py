"""Backups and restores that can be trusted: one file holding the database, the private files
(receipts) and a manifest of what was in them, checked when it is made and when it is restored.

- SQLite: the online backup API (`sqlite3.Connection.backup`), which copies a consistent
  snapshot while others read and write; never a file copy, which can catch a half-written page
  or miss what is still in the write-ahead log.
- PostgreSQL: `pg_dump --format=custom`, restored by `pg_restore --clean --single-transaction`,
  so a restore that fails part-way leaves the database as it was.

The manifest holds each table's row count, every household's ledger total by kind and the
number of audit events. `check` restores into a scratch database and compares them (the
restore drill); `restore` does the same to the live database and refuses to finish quietly
if they differ.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.apps import apps
from django.conf import settings
from django.core.files import File
from django.db import connection, connections, transaction
from django.utils import timezone

from pathways.core.files import private_storage

MANIFEST = "manifest.json"
SQLITE_NAME = "database.sqlite3"
POSTGRES_NAME = "database.pgdump"
FILES = "private"
FORMAT = 1
BACKUP_NAMES = "pathways-*.tar*"  # what `rotate` counts, made by default_path (or older, .tar)


class BackupError(Exception):
    """A backup or restore that cannot go ahead, with what to do about it."""


@dataclass(frozen=True)
class Outcome:
    path: Path
    manifest: dict[str, Any]
    differences: list[str]


# --- what the database holds ----------------------------------------------------------------


def _tables() -> list[str]:
    return sorted(
        model._meta.db_table
        for model in apps.get_models(include_auto_created=True)
        if model._meta.managed and not model._meta.proxy
    )


def quoted_table(model_label: str) -> str:
    return connection.ops.quote_name(apps.get_model(model_label)._meta.db_table)


def snapshot_of(cursor: Any) -> dict[str, Any]:
    """Row counts of every table, each household's ledger total by kind, the audit count, read
    through any DB-API cursor (the live database's, or a scratch database's)."""
    counts = {}
    for table in _tables():
        cursor.execute(f"SELECT COUNT(*) FROM {connection.ops.quote_name(table)}")  # noqa: S608 - a model's table
        counts[table] = cursor.fetchone()[0]
    cursor.execute(
        f"SELECT b.household_id, e.kind, SUM(e.amount_pence) FROM {quoted_table('budgets.Entry')} e"  # noqa: S608 - models' tables
        f" JOIN {quoted_table('budgets.Budget')} b ON b.id = e.budget_id GROUP BY b.household_id, e.kind"
    )
    ledger = {f"{household}:{kind}": int(total) for household, kind, total in cursor.fetchall()}
    return {
        "tables": counts,
        "ledger_totals": dict(sorted(ledger.items())),
        "audit_events": counts[apps.get_model("audit.AuditEvent")._meta.db_table],
    }


def snapshot() -> dict[str, Any]:
    """What the live database holds now (see snapshot_of)."""
    with connection.cursor() as cursor:
        return snapshot_of(cursor)


def _receipts_of(cursor: Any) -> list[tuple[str, int]]:
    cursor.execute(f"SELECT file, size FROM {quoted_table('budgets.Receipt')}")  # noqa: S608 - a model's table
    return list(cursor.fetchall())


def compare(expected: dict[str, Any], found: dict[str, Any]) -> list[str]:
    """What differs between two snapshots, in words."""
    differences = []
    for table in sorted(set(expected["tables"]) | set(found["tables"])):
        want, got = expected["tables"].get(table), found["tables"].get(table)
        if want != got:
            differences.append(f"{table}: {want} rows in the backup, {got} restored")
    want, got = expected["ledger_totals"], found["ledger_totals"]
    for key in sorted(set(want) | set(got)):
        if want.get(key) != got.get(key):
            household, kind = key.split(":")
            differences.append(
                f"household {household}'s {kind} ledger total: "
                f"{want.get(key)} pence in the backup, {got.get(key)} restored"
            )
    if expected["audit_events"] != found["audit_events"]:
        differences.append(
            f"audit events: {expected['audit_events']} in the backup, {found['audit_events']} restored"
        )
    return differences


def _engine() -> str:
    vendor = connection.vendor
    if vendor not in ("sqlite", "postgresql"):
        raise BackupError(f"Backups are for SQLite and PostgreSQL, not {vendor}")
    return vendor


# --- SQLite ---------------------------------------------------------------------------------


def _sqlite_path() -> Path:
    return Path(connection.settings_dict["NAME"])


def _sqlite_copy(source: Path, target: Path) -> None:
    """Copy one SQLite database into another with the online backup API."""
    with sqlite3.connect(source) as src, sqlite3.connect(target) as dst:
        src.backup(dst)
    dst.close()
    src.close()


def integrity_check(path: Path) -> str:
    with sqlite3.connect(path) as db:
        result = db.execute("PRAGMA integrity_check").fetchone()[0]
    db.close()
    return result


# --- PostgreSQL -----------------------------------------------------------------------------


def _pg_env(database: str | None = None) -> tuple[list[str], dict[str, str]]:
    """libpq connection arguments for the configured database (the password by environment,
    never on the command line)."""
    config = connection.settings_dict
    args = ["--dbname", database or config["NAME"]]
    if config.get("HOST"):
        args += ["--host", str(config["HOST"])]
    if config.get("PORT"):
        args += ["--port", str(config["PORT"])]
    if config.get("USER"):
        args += ["--username", str(config["USER"])]
    env = dict(os.environ)
    if config.get("PASSWORD"):
        env["PGPASSWORD"] = str(config["PASSWORD"])
    return args, env


def _run(command: list[str], env: dict[str, str]) -> None:
    if shutil.which(command[0]) is None:
        package = "gnupg" if command[0] == "gpg" else "postgresql-client"
        raise BackupError(
            f"{command[0]} is not installed: install it (Debian: {package}; PostgreSQL's "
            "client at the server's version or newer)"
        )
    result = subprocess.run(command, env=env, capture_output=True, text=True, check=False)  # noqa: S603
    if result.returncode != 0:
        raise BackupError(f"{command[0]} failed: {result.stderr.strip()[:2000]}")


@contextmanager
def _scratch_postgres() -> Iterator[str]:
    """A new, empty database beside the configured one, dropped afterwards."""
    name = f"{connection.settings_dict['NAME']}_drill_{os.getpid()}"
    connection.ensure_connection()
    with connection.cursor() as cursor:
        cursor.execute(f"DROP DATABASE IF EXISTS {connection.ops.quote_name(name)}")
        cursor.execute(f"CREATE DATABASE {connection.ops.quote_name(name)}")
    try:
        yield name
    finally:
        with connection.cursor() as cursor:
            cursor.execute(
                f"DROP DATABASE IF EXISTS {connection.ops.quote_name(name)} WITH (FORCE)"
            )


@contextmanager
def _cursor_on(database: str) -> Iterator[Any]:
    """A plain DB-API cursor on another database of the same engine (a backup's copy, a scratch
    database), outside Django's connections."""
    if connection.vendor == "sqlite":
        db = sqlite3.connect(database)
        try:
            yield db.cursor()
        finally:
            db.close()
    else:
        import psycopg

        params = connection.get_connection_params()
        params["dbname"] = database
        params.pop("cursor_factory", None)
        params.pop("context", None)
        params.pop("server_side_binding", None)
        with psycopg.connect(**params) as db, db.cursor() as cursor:
            yield cursor


# --- the backup file ------------------------------------------------------------------------


def _add(tar: tarfile.TarFile, name: str, data: bytes) -> None:
    info = tarfile.TarInfo(name)
    info.size = len(data)
    info.mtime = int(timezone.now().timestamp())
    info.mode = 0o600
    tar.addfile(info, io.BytesIO(data))


def _add_receipts(tar: tarfile.TarFile, receipts: list[tuple[str, int]]) -> None:
    """The receipt files the database names, from wherever they are kept (disk or bucket); one
    that is missing is left out, and the restore drill names it."""
    storage = private_storage("receipts")
    for name, _ in receipts:
        if not name or not storage.exists(name):
            continue
        info = tarfile.TarInfo(f"{FILES}/receipts/{name}")
        info.size = storage.size(name)
        info.mode = 0o600
        info.mtime = int(timezone.now().timestamp())
        with storage.open(name, "rb") as handle:
            tar.addfile(info, handle)


def _restore_receipts(folder: Path) -> None:
    """Put the backup's receipt files back where receipts are kept, under their own names."""
    if not folder.exists():
        return
    storage = private_storage("receipts", overwrite=True)
    for file in sorted(folder.rglob("*")):
        if file.is_file():
            with file.open("rb") as handle:
                storage.save(file.relative_to(folder).as_posix(), File(handle))


def default_path(*, encrypted: bool = False) -> Path:
    folder = Path(settings.VAR_DIR) / "backups"
    folder.mkdir(parents=True, exist_ok=True)
    suffix = ".tar.gz.gpg" if encrypted else ".tar.gz"
    return folder / f"pathways-{timezone.localtime():%Y-%m-%d-%H%M%S}{suffix}"


def _encrypt(plain: Path, target: Path, recipient: str) -> None:
    """Encrypt to the public key of `recipient` (GnuPG): the server can make backups it
    cannot read; restoring needs the private key, kept elsewhere."""
    _run(
        ["gpg", "--batch", "--yes", "--trust-model", "always", "--encrypt",
         "--recipient", recipient, "--output", str(target), str(plain)],
        dict(os.environ),
    )  # fmt: skip
    target.chmod(0o600)


def rotate(folder: Path, keep: int) -> list[Path]:
    """Delete all but the newest `keep` backups in `folder` (by the time in their names)."""
    backups = sorted(folder.glob(BACKUP_NAMES), key=lambda found: found.name, reverse=True)
    old = backups[keep:]
    for path in old:
        path.unlink()
    return old


def make(to: Path | None = None, *, encrypt_to: str = "") -> Outcome:
    """Back up the database and the private files into one compressed tar file (readable by
    its owner only), with a manifest, encrypted when given a recipient; then check the copy of
    the database it holds."""
    engine = _engine()
    path = Path(to) if to else default_path(encrypted=bool(encrypt_to))
    if path.exists():
        raise BackupError(f"{path} exists already: choose a new name")
    path.parent.mkdir(parents=True, exist_ok=True)
    manifest: dict[str, Any] = {
        "format": FORMAT,
        "engine": engine,
        "made_at": timezone.now().isoformat(),
    }
    with tempfile.TemporaryDirectory(prefix="pathways-backup-") as work:
        work_dir = Path(work)
        if engine == "sqlite":
            db_file = work_dir / SQLITE_NAME
            _sqlite_copy(_sqlite_path(), db_file)
            result = integrity_check(db_file)
            if result != "ok":
                raise BackupError(f"The copy failed SQLite's integrity check: {result}")
            # Counted from the copy itself: exactly what the backup holds.
            with _cursor_on(str(db_file)) as cursor:
                manifest["snapshot"] = snapshot_of(cursor)
                receipts = _receipts_of(cursor)
        else:
            db_file = work_dir / POSTGRES_NAME
            with transaction.atomic():
                # Counted and dumped in one snapshot of the database, however busy it is.
                with connection.cursor() as cursor:
                    cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
                    cursor.execute("SELECT pg_export_snapshot()")
                    exported = cursor.fetchone()[0]
                manifest["snapshot"] = snapshot()
                with connection.cursor() as cursor:
                    receipts = _receipts_of(cursor)
                args, env = _pg_env()
                _run(
                    [
                        "pg_dump",
                        "--format=custom",
                        "--no-owner",
                        f"--snapshot={exported}",
                        "--file",
                        str(db_file),
                        *args,
                    ],
                    env,
                )
        # Encrypted: the plain archive is made in the private working folder, never beside.
        plain = work_dir / "backup.tar.gz" if encrypt_to else path
        fd = os.open(plain, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "wb") as out, tarfile.open(fileobj=out, mode="w:gz") as tar:
            tar.add(db_file, arcname=db_file.name)
            _add_receipts(tar, receipts)
            _add(tar, MANIFEST, json.dumps(manifest, indent=2).encode())
        if encrypt_to:
            _encrypt(plain, path, encrypt_to)
    return Outcome(path, manifest, [])


def _read(path: Path, work_dir: Path) -> dict[str, Any]:
    if not path.is_file():
        raise BackupError(f"There is no backup file at {path}")
    archive = path
    if path.suffix == ".gpg":  # needs the private key of the backups' recipient here
        archive = work_dir / "backup.tar.gz"
        _run(["gpg", "--batch", "--decrypt", "--output", str(archive), str(path)], dict(os.environ))
    try:
        with tarfile.open(archive) as tar:  # plain (older backups) or compressed
            tar.extractall(work_dir, filter="data")
    except tarfile.TarError as error:
        raise BackupError(f"{path} is not a Pathways backup ({error})") from None
    try:
        manifest = json.loads((work_dir / MANIFEST).read_text())
    except (OSError, ValueError):
        raise BackupError(f"{path} has no readable manifest: it is not a Pathways backup") from None
    if manifest.get("format") != FORMAT:
        raise BackupError(f"{path} is a backup of a format this version does not know")
    engine = _engine()
    if manifest["engine"] != engine:
        raise BackupError(
            f"{path} is a {manifest['engine']} backup; this Pathways uses {engine}. "
            "Move data between databases with `pathways export` and `pathways import`."
        )
    return manifest


def check(path: Path) -> Outcome:
    """The restore drill: restore into a scratch database, compare with the manifest, throw it
    away. The live database is not touched."""
    with tempfile.TemporaryDirectory(prefix="pathways-drill-") as work:
        work_dir = Path(work)
        manifest = _read(path, work_dir)
        differences = []
        if manifest["engine"] == "sqlite":
            scratch = work_dir / "drill.sqlite3"
            _sqlite_copy(work_dir / SQLITE_NAME, scratch)
            result = integrity_check(scratch)
            if result != "ok":
                differences.append(f"SQLite integrity check: {result}")
            with _cursor_on(str(scratch)) as cursor:
                found = snapshot_of(cursor)
                differences += _missing_files(work_dir, _receipts_of(cursor))
        else:
            with _scratch_postgres() as scratch_name:
                args, env = _pg_env(scratch_name)
                dump = str(work_dir / POSTGRES_NAME)
                _run(["pg_restore", "--no-owner", "--exit-on-error", *args, dump], env)
                with _cursor_on(scratch_name) as cursor:
                    found = snapshot_of(cursor)
                    differences += _missing_files(work_dir, _receipts_of(cursor))
        differences += compare(manifest["snapshot"], found)
    return Outcome(path, manifest, differences)


def _missing_files(work_dir: Path, receipts: list[tuple[str, int]]) -> list[str]:
    """Receipts the restored database lists whose files the backup does not hold (or holds at
    another size)."""
    missing = []
    for name, size in receipts:
        held = work_dir / FILES / "receipts" / name
        if not held.is_file() or held.stat().st_size != size:
            missing.append(f"receipt file {name} is missing from the backup or is damaged")
    return missing


def restore(path: Path) -> Outcome:
    """Replace the live database and private files with the backup's, then compare what the
    database holds with the manifest."""
    with tempfile.TemporaryDirectory(prefix="pathways-restore-") as work:
        work_dir = Path(work)
        manifest = _read(path, work_dir)
        connections.close_all()
        if manifest["engine"] == "sqlite":
            _sqlite_copy(work_dir / SQLITE_NAME, _sqlite_path())
            result = integrity_check(_sqlite_path())
            differences = [] if result == "ok" else [f"SQLite integrity check: {result}"]
        else:
            args, env = _pg_env()
            _run(
                [
                    "pg_restore",
                    "--clean",
                    "--if-exists",
                    "--no-owner",
                    "--single-transaction",
                    "--exit-on-error",
                    *args,
                    str(work_dir / POSTGRES_NAME),
                ],
                env,
            )
            differences = []
        _restore_receipts(work_dir / FILES / "receipts")
        differences += compare(manifest["snapshot"], snapshot())
    return Outcome(path, manifest, differences)


def made_at(manifest: dict[str, Any]) -> dt.datetime:
    return dt.datetime.fromisoformat(manifest["made_at"])
