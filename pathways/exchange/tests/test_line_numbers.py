"""A byte that is not UTF-8 is reported on the line that holds it: in the header (line 1), in a
row in the middle, and on the last line when the file does not end with a newline; whatever the
line endings, and in a folder or a .zip alike."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest

from pathways.conftest import load_programmes
from pathways.core.csvfiles import NOT_UTF8
from pathways.core.problems import Problem
from pathways.exchange.bundle import Bundle
from pathways.exchange.check import check_bundle, context_from_database
from pathways.exchange.generate import Settings, generate

pytestmark = pytest.mark.django_db


def _spoil(folder: Path, where: str, ending: bytes) -> int:
    """Put a Latin-1 'é' (0xE9, not UTF-8) into people.csv on one line, with `ending` between
    lines; returns that line's number (1 = the header)."""
    path = folder / "people.csv"
    lines = path.read_bytes().splitlines()
    number = {"header": 1, "middle": len(lines) // 2, "last": len(lines)}[where]
    lines[number - 1] = (
        lines[number - 1].replace(b",", b",x\xe9", 1)
        if where == "header"
        else (lines[number - 1] + b"\xe9")
    )
    # The last line keeps no newline after it: the byte is the file's very last.
    path.write_bytes(ending.join(lines) + (b"" if where == "last" else ending))
    return number


@pytest.mark.parametrize("ending", [b"\n", b"\r\n"], ids=["lf", "crlf"])
@pytest.mark.parametrize("where", ["header", "middle", "last"])
def test_a_byte_that_is_not_utf8_is_reported_on_its_own_line(
    tmp_path: Path, where: str, ending: bytes
) -> None:
    load_programmes()
    folder = tmp_path / "bundle"
    generate(folder, Settings(households=12, seed=4))
    line = _spoil(folder, where, ending)
    assert line > 2 or where == "header"
    archive = tmp_path / "bundle.zip"
    with zipfile.ZipFile(archive, "w") as zipped:
        for path in folder.iterdir():
            zipped.write(path, f"bundle/{path.name}")
    for bundle in (Bundle(folder), Bundle(archive)):
        problems = check_bundle(bundle, context_from_database()).problems
        spoilt = [p for p in problems if p.file == "people.csv" and p.reason == NOT_UTF8]
        assert spoilt == [Problem("people.csv", line, "", "", NOT_UTF8)]
