"""Where private files live: receipts, and exchange bundles while they are imported.

On this machine's disk under PATHWAYS_PRIVATE_FILES_DIR (the default: one machine, or a shared
filesystem mounted on every app machine), or in an S3 bucket (PATHWAYS_FILE_STORAGE=s3) that
every app machine reaches, through django-storages. Never served by a public URL: views that
check who may see a household read them and send them on.
"""

from __future__ import annotations

import contextlib
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.files.storage import FileSystemStorage, Storage
from django.utils.deconstruct import deconstructible


def private_storage(folder: str, *, overwrite: bool = False) -> Storage:
    """The storage of one kind of private file ("receipts", "imports"). With `overwrite`, saving
    a name that exists replaces it (a progress note) rather than choosing another name."""
    if settings.FILE_STORAGE == "s3":
        # Only then: boto3 takes a moment to import, and most installations never need it.
        from storages.backends.s3 import S3Storage

        return S3Storage(location=folder, file_overwrite=overwrite, **settings.S3_OPTIONS)
    storage = _Replacing if overwrite else FileSystemStorage
    return storage(location=Path(settings.PRIVATE_FILES_DIR) / folder, base_url=None)


class _Replacing(FileSystemStorage):
    """On disk, saving over a name replaces the file whole (written aside, then moved)."""

    def get_available_name(self, name: str, max_length: int | None = None) -> str:
        return name

    def _save(self, name: str, content: object) -> str:
        target = Path(self.path(name))
        target.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=target.parent, delete=False) as partial:
            shutil.copyfileobj(content, partial)  # type: ignore[arg-type]
        Path(partial.name).replace(target)
        return name


@contextlib.contextmanager
def local_copy(storage: Storage, name: str) -> Iterator[Path]:
    """A path on this machine to read the stored file from: the file itself on disk, or a
    private temporary copy of the object (removed afterwards)."""
    try:
        on_disk: Path | None = Path(storage.path(name))
    except NotImplementedError:  # not on a disk: copy it down
        on_disk = None
    if on_disk is not None:
        yield on_disk
        return
    with tempfile.TemporaryDirectory(prefix="pathways-file-") as folder:
        copy = Path(folder) / Path(name).name
        with storage.open(name, "rb") as source, copy.open("wb") as target:
            shutil.copyfileobj(source, target, length=1024 * 1024)
        yield copy


def read_text(storage: Storage, name: str) -> str | None:
    """The stored file's text, or None if there is none (on disk or in the bucket)."""
    try:
        with storage.open(name, "rb") as handle:
            return handle.read().decode()
    except (OSError, UnicodeDecodeError):
        return None


def modified_at(storage: Storage, name: str) -> float | None:
    """When the stored file last changed (a POSIX time), or None if there is none."""
    try:
        return storage.get_modified_time(name).timestamp()
    except (OSError, NotImplementedError):
        return None
    except Exception as error:  # botocore's ClientError for a missing object
        if type(error).__name__ == "ClientError":
            return None
        raise


@deconstructible
class PrivateFiles(Storage):
    """A model field's storage that asks `private_storage` on each use, so the choice between
    disk and bucket (and, in tests, the folder) is read when a file is saved or opened, not
    once when the model is defined."""

    def __init__(self, folder: str) -> None:
        self.folder = folder

    def _here(self) -> Storage:
        return private_storage(self.folder)

    def _open(self, name: str, mode: str = "rb") -> Any:
        return self._here().open(name, mode)

    def _save(self, name: str, content: Any) -> str:
        return self._here().save(name, content)

    def get_available_name(self, name: str, max_length: int | None = None) -> str:
        return self._here().get_available_name(name, max_length=max_length)

    def generate_filename(self, filename: str) -> str:
        return self._here().generate_filename(filename)

    def delete(self, name: str) -> None:
        self._here().delete(name)

    def exists(self, name: str) -> bool:
        return self._here().exists(name)

    def size(self, name: str) -> int:
        return self._here().size(name)

    def path(self, name: str) -> str:
        return self._here().path(name)

    def url(self, name: str | None) -> str:
        raise NotImplementedError("Private files have no public address")

    def get_modified_time(self, name: str) -> Any:
        return self._here().get_modified_time(name)

    def listdir(self, path: str) -> tuple[list[str], list[str]]:
        return self._here().listdir(path)
