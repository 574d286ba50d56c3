"""How much an import reads at most, whichever way it comes: the upload page, `pathways import`
and `pathways budgets import` all read through these (the numbers are settings:
IMPORT_MAX_* in pathways/settings.py, from PATHWAYS_IMPORT_MAX_* in the environment).

A file over a limit is refused with a problem naming it and the limit, before more of it is
read: a small .zip that unpacks to gigabytes, a line of a hundred million characters, or
millions of blank lines would otherwise tie the job worker up for minutes.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings

# Below this a member is not judged by its packing: a small file cannot tie anything up, and a
# header alone packs unpredictably.
RATIO_FROM_BYTES = 1024 * 1024


@dataclass(frozen=True)
class Limits:
    upload_bytes: int
    file_bytes: int
    total_bytes: int
    line_chars: int
    lines: int
    zip_ratio: int


def limits() -> Limits:
    """The limits as configured now (read on each import, so tests and settings can move them)."""
    return Limits(
        upload_bytes=settings.IMPORT_MAX_UPLOAD_BYTES,
        file_bytes=settings.IMPORT_MAX_FILE_BYTES,
        total_bytes=settings.IMPORT_MAX_TOTAL_BYTES,
        line_chars=settings.IMPORT_MAX_LINE_CHARS,
        lines=settings.IMPORT_MAX_LINES,
        zip_ratio=settings.IMPORT_MAX_ZIP_RATIO,
    )


def size_text(size: int) -> str:
    """Bytes in words: 200 MB, 1 GB, 1.5 GB, 512 bytes."""
    for unit, scale in (("GB", 1024**3), ("MB", 1024**2), ("KB", 1024)):
        if size >= scale:
            return f"{size / scale:,.1f}".removesuffix(".0") + f" {unit}"
    return f"{size:,} bytes"


def upload_refusal(size: int) -> str | None:
    """Why an upload of this many bytes is refused, or None."""
    most = limits().upload_bytes
    if size > most:
        return f"The file is {size_text(size)}: an upload must be at most {size_text(most)}"
    return None


def file_refusal(size: int, packed: int | None = None) -> str | None:
    """Why one file of the bundle (this size unpacked; `packed` in a .zip) is refused, or None."""
    now = limits()
    if size > now.file_bytes:
        return (
            f"is {size_text(size)} unpacked: a file of a bundle must be at most "
            f"{size_text(now.file_bytes)}"
        )
    if packed is not None and size >= RATIO_FROM_BYTES and size > now.zip_ratio * max(packed, 1):
        return (
            f"unpacks to {size / max(packed, 1):,.0f} times its packed size (at most "
            f"{now.zip_ratio} times): it is not a bundle's CSV file"
        )
    return None


def total_refusal(size: int) -> str | None:
    """Why a bundle whose files come to this many bytes unpacked is refused, or None."""
    most = limits().total_bytes
    if size > most:
        return (
            f"the files come to {size_text(size)} unpacked: a bundle must be at most "
            f"{size_text(most)}"
        )
    return None
