"""A bundle: a folder, or a .zip of one, holding the exchange format's CSV files.

Its files' sizes are judged before any is read (exchange/limits.py): a file too big unpacked,
a .zip member packed too tightly to be a CSV file (a zip bomb), or files too big together.
A .zip member's declared size bounds what is read of it, so judging it is enough.
"""

from __future__ import annotations

import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path, PurePosixPath
from typing import IO, Any

from pathways.core.limits import file_refusal, total_refusal
from pathways.core.problems import ImportRefused, Problem


def zip_members(archive: zipfile.ZipFile, label: str) -> dict[str, str]:
    """The CSV files of a .zip bundle ({name: member}); ImportRefused if any is over a limit."""
    members: dict[str, str] = {}
    problems: list[Problem] = []
    total = 0
    for info in archive.infolist():
        parts = PurePosixPath(info.filename).parts
        # The files at the top, or in one folder at the top; nothing else is read.
        if info.is_dir() or len(parts) > 2 or not info.filename.endswith(".csv"):
            continue
        if parts[-1] in members:
            continue
        members[parts[-1]] = info.filename
        total += info.file_size
        why = file_refusal(info.file_size, info.compress_size)
        if why:
            problems.append(Problem(parts[-1], 0, "", "", why))
    why = total_refusal(total)
    if why:
        problems.append(Problem(label, 0, "", "", why))
    if problems:
        raise ImportRefused(problems)
    return members


def check_zip(upload: Any, label: str) -> None:
    """Refuse (ImportRefused) an uploaded .zip whose files are over a limit, reading only its
    directory; the upload is left at its start."""
    try:
        with zipfile.ZipFile(upload) as archive:
            zip_members(archive, label)
    except (zipfile.BadZipFile, OSError, EOFError):
        raise ImportRefused([Problem(label, 0, "", "", "is not a .zip file")]) from None
    finally:
        upload.seek(0)


class Bundle:
    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self._zip: zipfile.ZipFile | None = None
        self._members: dict[str, str] = {}
        if self.path.is_dir():
            self._members = {p.name: p.name for p in self.path.iterdir() if p.suffix == ".csv"}
            self._check_folder()
        elif self.path.is_file():
            try:
                self._zip = zipfile.ZipFile(self.path)
            except (zipfile.BadZipFile, OSError):
                raise ImportRefused(
                    [Problem(self.path.name, 0, "", "", "is not a folder or a .zip file")]
                ) from None
            try:
                self._members = zip_members(self._zip, self.path.name)
            except ImportRefused:
                self._zip.close()
                raise
        else:
            raise ImportRefused(
                [Problem(str(self.path), 0, "", "", "there is no such file or folder")]
            )

    def _check_folder(self) -> None:
        sizes = {name: (self.path / name).stat().st_size for name in self._members}
        problems = [
            Problem(name, 0, "", "", why)
            for name, size in sorted(sizes.items())
            if (why := file_refusal(size))
        ]
        if why := total_refusal(sum(sizes.values())):
            problems.append(Problem(self.path.name, 0, "", "", why))
        if problems:
            raise ImportRefused(problems)

    def names(self) -> set[str]:
        return set(self._members)

    @contextmanager
    def open(self, name: str) -> Iterator[IO[bytes]]:
        if self._zip is not None:
            with self._zip.open(self._members[name]) as handle:
                yield handle
        else:
            with (self.path / self._members[name]).open("rb") as handle:
                yield handle

    def close(self) -> None:
        if self._zip is not None:
            self._zip.close()
