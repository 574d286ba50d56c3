"""A bundle: a folder, or a .zip of one, holding the exchange format's CSV files."""

from __future__ import annotations

import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path, PurePosixPath
from typing import IO

from pathways.exchange.problems import ImportRefused, Problem

# Larger than any real file of a programme; a bigger one is refused before it is read.
MAX_FILE_BYTES = 4 * 1024**3


class Bundle:
    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self._zip: zipfile.ZipFile | None = None
        self._members: dict[str, str] = {}
        if self.path.is_dir():
            self._members = {p.name: p.name for p in self.path.iterdir() if p.suffix == ".csv"}
        elif self.path.is_file():
            try:
                self._zip = zipfile.ZipFile(self.path)
            except (zipfile.BadZipFile, OSError):
                raise ImportRefused(
                    [Problem(self.path.name, 0, "", "", "is not a folder or a .zip file")]
                ) from None
            for info in self._zip.infolist():
                parts = PurePosixPath(info.filename).parts
                # The files at the top, or in one folder at the top; nothing else is read.
                if info.is_dir() or len(parts) > 2 or not info.filename.endswith(".csv"):
                    continue
                if info.file_size > MAX_FILE_BYTES:
                    raise ImportRefused(
                        [Problem(parts[-1], 0, "", "", "is larger than 4 GB when unpacked")]
                    )
                self._members.setdefault(parts[-1], info.filename)
        else:
            raise ImportRefused(
                [Problem(str(self.path), 0, "", "", "there is no such file or folder")]
            )

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
