"""An import reads only so much (exchange/limits.py): a zip bomb, a line of a hundred million
characters, a flood of blank lines, a file or a bundle too big, an upload too big are each
refused with a problem naming the file (and line) and the limit, by the upload page before
anything is kept or queued, and by `pathways import` and `pathways budgets import` alike."""

from __future__ import annotations

import io
import tracemalloc
import zipfile
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse
from django_tasks_db.models import DBTaskResult

from pathways.conftest import World
from pathways.core.problems import ImportRefused, Problem
from pathways.core.tests.test_settings import settings_in_subprocess
from pathways.exchange import schema
from pathways.exchange.importer import import_bundle
from pathways.exchange.models import ImportRun
from pathways.households.models import Household

pytestmark = pytest.mark.django_db

MB = 1024 * 1024
HOUSEHOLDS_HEADER = ",".join(schema.HEADERS["households.csv"]) + "\n"
PEOPLE_HEADER = ",".join(schema.HEADERS["people.csv"]) + "\n"


def hostile_zip(path: Path, households: Iterable[bytes]) -> Path:
    """A bundle whose households.csv is written from `households` a piece at a time (so a
    100 MB file never sits in memory here either), packed as tightly as zip packs."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        with archive.open("households.csv", "w", force_zip64=True) as handle:
            handle.write(HOUSEHOLDS_HEADER.encode())
            for piece in households:
                handle.write(piece)
        archive.writestr("people.csv", PEOPLE_HEADER)
    return path


def blank_lines(megabytes: int) -> Iterable[bytes]:
    return (b"\n" * MB for _ in range(megabytes))


def one_long_line(megabytes: int) -> Iterable[bytes]:
    return (b"x" * MB for _ in range(megabytes))


def refusal(path: Path) -> list[Problem]:
    with pytest.raises(ImportRefused) as refused:
        import_bundle(path)
    return refused.value.problems


def test_a_small_zip_of_50_mb_of_blank_lines_is_refused_from_its_directory(
    tmp_path: Path,
) -> None:
    bomb = hostile_zip(tmp_path / "bomb.zip", blank_lines(50))
    assert bomb.stat().st_size < 200_000
    [problem] = refusal(bomb)
    assert problem.file == "households.csv"
    assert "times its packed size (at most 100 times)" in problem.reason
    assert Household.objects.count() == 0


def test_a_line_of_100_million_characters_is_refused_at_its_line_without_being_held(
    tmp_path: Path, settings: Any
) -> None:
    settings.IMPORT_MAX_ZIP_RATIO = 10**9  # past the packing check, to the reading itself
    bomb = hostile_zip(tmp_path / "line.zip", one_long_line(100))
    assert bomb.stat().st_size < 1_000_000
    tracemalloc.start()
    try:
        [problem] = refusal(bomb)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert (problem.file, problem.line) == ("households.csv", 2)
    assert problem.reason.startswith("is longer than 1,000,000 characters")
    assert str(problem).startswith("households.csv, line 2: is longer than 1,000,000 characters")
    assert peak < 20 * MB  # the first million characters, not the hundred million


def test_blank_lines_count_toward_the_line_limit(tmp_path: Path, settings: Any) -> None:
    settings.IMPORT_MAX_ZIP_RATIO = 10**9
    settings.IMPORT_MAX_LINES = 1000
    bomb = hostile_zip(tmp_path / "blank.zip", [b"\n" * 5000])
    [problem] = refusal(bomb)
    assert (problem.file, problem.line) == ("households.csv", 1001)
    assert problem.reason.startswith("has more than 1,000 lines (blank ones count)")


def test_a_file_or_a_bundle_too_big_unpacked_is_refused_before_it_is_read(
    tmp_path: Path, settings: Any
) -> None:
    settings.IMPORT_MAX_FILE_BYTES = 2 * MB
    settings.IMPORT_MAX_ZIP_RATIO = 10**9
    big = hostile_zip(tmp_path / "big.zip", blank_lines(3))
    [problem] = refusal(big)
    assert (problem.file, problem.line) == ("households.csv", 0)
    assert problem.reason == "is 3 MB unpacked: a file of a bundle must be at most 2 MB"
    folder = tmp_path / "folder"
    folder.mkdir()
    (folder / "households.csv").write_bytes(HOUSEHOLDS_HEADER.encode() + b"\n" * 3 * MB)
    (folder / "people.csv").write_text(PEOPLE_HEADER)
    assert [p.reason for p in refusal(folder)] == [problem.reason]
    settings.IMPORT_MAX_FILE_BYTES = 4 * MB
    settings.IMPORT_MAX_TOTAL_BYTES = 2 * MB
    [total] = refusal(folder)
    assert (total.file, total.reason) == (
        "folder",
        "the files come to 3 MB unpacked: a bundle must be at most 2 MB",
    )


def test_the_command_line_import_refuses_the_bomb_with_the_same_problem(tmp_path: Path) -> None:
    bomb = hostile_zip(tmp_path / "bomb.zip", blank_lines(50))
    with pytest.raises(CommandError, match=r"households\.csv: unpacks to [\d,]+ times its packed"):
        call_command("import", str(bomb))
    assert ImportRun.objects.get().status == ImportRun.Status.REFUSED


def test_the_budget_command_reads_within_the_same_line_limit(
    world: World, tmp_path: Path, settings: Any
) -> None:
    settings.IMPORT_MAX_LINE_CHARS = 500
    budget = tmp_path / "budget.csv"
    budget.write_text(",".join(schema.HEADERS["budget.csv"]) + "\n" + "x" * 2000 + "\n")
    with pytest.raises(CommandError, match=r"budget\.csv, line 2: is longer than 500 characters"):
        call_command("budgets", "import", str(budget), "--programme", world.hiw.code)


def kept(settings: Any) -> set[str]:
    """The files kept for imports (other tests' may be there too)."""
    folder = Path(settings.PRIVATE_FILES_DIR) / "imports"
    return {p.name for p in folder.iterdir()} if folder.exists() else set()


def upload(client: Any, content: bytes, settings: Any) -> Any:
    """Post the upload; it must keep no file and create no run or job."""
    before = kept(settings)
    bundle = SimpleUploadedFile("bundle.zip", content, content_type="application/zip")
    response = client.post(reverse("exchange:upload"), {"bundle": bundle})
    assert not ImportRun.objects.exists()
    assert not DBTaskResult.objects.exists()
    assert kept(settings) == before
    return response


def test_an_upload_over_the_limit_is_refused_before_anything_is_kept_or_queued(
    world: World, signed_in: Any, tmp_path: Path, settings: Any
) -> None:
    settings.IMPORT_MAX_UPLOAD_BYTES = 1000
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w") as packed:
        packed.writestr("households.csv", HOUSEHOLDS_HEADER * 40)
    response = upload(signed_in(world.programme_manager), archive.getvalue(), settings)
    assert response.status_code == 200
    assert len(archive.getvalue()) > 6 * 1024
    assert response.context["form"].errors["bundle"] == [
        "The file is 6.8 KB: an upload must be at most 1,000 bytes"
    ]


def test_an_uploaded_zip_bomb_is_refused_before_anything_is_kept_or_queued(
    world: World, signed_in: Any, tmp_path: Path, settings: Any
) -> None:
    bomb = hostile_zip(tmp_path / "bomb.zip", blank_lines(50))
    response = upload(signed_in(world.programme_manager), bomb.read_bytes(), settings)
    assert response.status_code == 200
    [message] = response.context["form"].errors["bundle"]
    assert message.startswith("households.csv: unpacks to ")
    assert "times its packed size (at most 100 times)" in message


def test_the_limits_are_settings_from_the_environment() -> None:
    names = ["UPLOAD_BYTES", "FILE_BYTES", "TOTAL_BYTES", "LINE_CHARS", "LINES", "ZIP_RATIO"]
    expression = ", ".join(f"s.IMPORT_MAX_{name}" for name in names)
    defaults = settings_in_subprocess({}, expression)
    assert defaults == repr((200 * MB, 1024 * MB, 2048 * MB, 1_000_000, 5_000_000, 100))
    chosen = {
        "PATHWAYS_IMPORT_MAX_UPLOAD_MB": "50",
        "PATHWAYS_IMPORT_MAX_FILE_MB": "300",
        "PATHWAYS_IMPORT_MAX_TOTAL_MB": "600",
        "PATHWAYS_IMPORT_MAX_LINE_CHARS": "20000",
        "PATHWAYS_IMPORT_MAX_LINES": "9",
        "PATHWAYS_IMPORT_MAX_ZIP_RATIO": "40",
    }
    assert settings_in_subprocess(chosen, expression) == repr(
        (50 * MB, 300 * MB, 600 * MB, 20_000, 9, 40)
    )
