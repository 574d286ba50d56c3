"""What Pathways keeps on disk (the database, its -wal and -shm, keys, receipts, backups) is
readable by its own user only, whether made now or there from before."""

from __future__ import annotations

import stat
import subprocess
import sys
from pathlib import Path

from django.core.files.base import ContentFile

from pathways.core.files import private_storage
from pathways.operations.tests.stack import REPO, outside_env

PROBE = """
import os, stat
from django.conf import settings
from django.db import connection
with connection.cursor() as cursor:
    cursor.execute("CREATE TABLE probe (x)")
    cursor.execute("INSERT INTO probe VALUES (1)")
    for name in ("pathways.sqlite3-wal", "pathways.sqlite3-shm"):
        print(name, oct(stat.S_IMODE(os.stat(settings.VAR_DIR / name).st_mode)))
"""


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def pathways(var: Path, *args: str) -> str:
    done = subprocess.run(  # noqa: S603
        [sys.executable, "-m", "pathways", *args],
        env=outside_env() | {"PATHWAYS_VAR_DIR": str(var)},
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_var_is_private_when_made_and_what_it_held_before_is_made_so(tmp_path: Path) -> None:
    var = tmp_path / "var"
    pathways(var, "migrate", "-v", "0")
    assert mode(var) == 0o700
    assert mode(var / "pathways.sqlite3") == 0o600
    assert mode(var / "secret_key") == 0o600

    # As a folder made before this release would be: readable by all.
    receipt = var / "private" / "receipts" / "2026" / "receipt.pdf"
    backup = var / "backups" / "pathways-2026-11-02.sqlite3"
    static = var / "staticfiles" / "pathways.css"
    for made in (receipt, backup, static):
        made.parent.mkdir(parents=True, exist_ok=True)
        made.write_bytes(b"...")
    for path in (var, receipt.parent, receipt.parent.parent, backup.parent, static.parent):
        path.chmod(0o755)
    for path in (var / "pathways.sqlite3", receipt, backup, static):
        path.chmod(0o644)

    wal_and_shm = pathways(var, "shell", "-v", "0", "-c", PROBE)

    assert wal_and_shm.split() == ["pathways.sqlite3-wal", "0o600", "pathways.sqlite3-shm", "0o600"]
    assert [mode(path) for path in (var, receipt.parent.parent, receipt.parent)] == [0o700] * 3
    assert [mode(path) for path in (var / "pathways.sqlite3", receipt, backup)] == [0o600] * 3
    assert (mode(static.parent), mode(static)) == (0o755, 0o644)  # public, and left alone


def test_an_uploaded_receipt_is_readable_by_pathways_only(settings, tmp_path: Path) -> None:
    settings.PRIVATE_FILES_DIR = tmp_path / "private"
    name = private_storage("receipts").save("2026/11/receipt.pdf", ContentFile(b"%PDF-1.4"))
    saved = tmp_path / "private" / "receipts" / name
    assert mode(saved) == 0o600
    assert mode(saved.parent) == mode(saved.parent.parent) == 0o700
