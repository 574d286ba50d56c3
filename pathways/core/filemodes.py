"""Pathways' own files are for its own user only.

var/ holds the SQLite database (TOTP seeds, tokens and case records in clear), its -wal and
-shm files, the keys, backups and uploaded receipts. From the moment the settings are read,
every file the process makes is its user's only (umask 077: SQLite, backups, exports, uploads
alike), and what is there already is tightened: folders to 0700, files to 0600.

Static files are the exception: public, and in the container built by root for another user to
read, so they are made readable by all after they are collected (core/staticfiles.py).
"""

from __future__ import annotations

import contextlib
import os
import stat
from collections.abc import Iterable
from pathlib import Path

PRIVATE_FOLDER, PRIVATE_FILE = 0o700, 0o600
PUBLIC_FOLDER, PUBLIC_FILE = 0o755, 0o644


def _set(path: Path, mode: int, *, tighten: bool) -> None:
    """Give `path` the mode; with `tighten`, only take permissions away (a 0400 file stays
    0400). Symbolic links are left alone, and so is a file another user owns."""
    with contextlib.suppress(OSError):
        current = path.lstat().st_mode
        if stat.S_ISLNK(current):
            return
        wanted = (current & mode) if tighten else mode
        if stat.S_IMODE(current) != wanted:
            path.chmod(wanted)


def _walk(top: Path, *, folder_mode: int, file_mode: int, tighten: bool, skip: set[Path]) -> None:
    _set(top, folder_mode, tighten=tighten)
    for root, folders, files in os.walk(top):
        here = Path(root)
        folders[:] = [name for name in folders if (here / name).resolve() not in skip]
        for name in folders:
            _set(here / name, folder_mode, tighten=tighten)
        for name in files:
            _set(here / name, file_mode, tighten=tighten)


def keep_private(folders: Iterable[Path], *, except_for: Iterable[Path] = ()) -> None:
    """Make files this process creates private from now on, and tighten what `folders` hold
    already (leaving out the folders in `except_for`, such as the static files)."""
    os.umask(0o077)
    skip = {Path(path).resolve() for path in except_for}
    for folder in folders:
        folder = Path(folder)
        with contextlib.suppress(OSError):  # read-only: nothing will be written there either
            folder.mkdir(mode=PRIVATE_FOLDER, parents=True, exist_ok=True)
        _walk(folder, folder_mode=PRIVATE_FOLDER, file_mode=PRIVATE_FILE, tighten=True, skip=skip)


def make_public(folder: Path) -> None:
    """Let everyone read what `folder` holds (collected static files)."""
    _walk(Path(folder), folder_mode=PUBLIC_FOLDER, file_mode=PUBLIC_FILE, tighten=False, skip=set())
