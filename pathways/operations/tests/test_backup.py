"""The restore drill: a backup restores to exactly what it held (every table's rows, every
household's ledger totals, the audit events, the receipt files), on SQLite and PostgreSQL."""

from __future__ import annotations

import io
import json
import shutil
import sqlite3
import subprocess
import tarfile
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.db import connection

from pathways.audit import services as audit
from pathways.audit.verbs import Verb
from pathways.budgets import receipts, spend_requests
from pathways.budgets.allocation import allocate
from pathways.budgets.models import Entry, Receipt
from pathways.conftest import World
from pathways.households.tests.factories import HouseholdFactory
from pathways.operations import backup

pytestmark = pytest.mark.django_db(transaction=True)

PDF = b"%PDF-1.4\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n"


def run(*args: str, **options) -> str:
    out = io.StringIO()
    call_command(*args, stdout=out, **options)
    return out.getvalue()


def ledger_totals() -> dict[tuple[int, str], int]:
    totals: dict[tuple[int, str], int] = {}
    for entry in Entry.objects.select_related("budget"):
        key = (entry.budget.household_id, entry.kind)
        totals[key] = totals.get(key, 0) + entry.amount_pence
    return totals


@pytest.fixture
def money(world: World) -> Receipt:
    request = spend_requests.request_spend(
        actor=world.advocate_k, household=world.household_k, category="clothing", amount_pence=4_500
    )
    receipts.add_receipt(
        actor=world.advocate_k, request=request, upload=SimpleUploadedFile("shoes.pdf", PDF)
    )
    return Receipt.objects.get()


def test_a_backup_restores_to_exactly_what_it_held(world: World, money: Receipt, tmp_path) -> None:
    before = backup.snapshot()
    totals, audit_count = ledger_totals(), before["audit_events"]
    assert totals and audit_count and before["tables"]["households_household"] == 4
    file = tmp_path / "backups" / "monday.tar"
    said = run("backup", to=file)
    assert f"Backed up to {file}" in said
    assert file.stat().st_mode & 0o077 == 0  # readable by its owner only

    # The day goes on: new records, a receipt file lost.
    household = HouseholdFactory(programme=world.hiw, organisation=world.knowsley)
    allocate(actor=world.manager_k, household=household, on=household.start_date)
    audit.record(actor=world.manager_k, verb=Verb.HOUSEHOLD_VIEWED, target=household)
    Path(money.file.path).unlink()

    # The drill leaves the live database alone.
    assert "restores cleanly" in run("backup", check=file)
    assert backup.snapshot()["tables"]["households_household"] == 5

    with pytest.raises(CommandError, match="Run again with --yes"):
        run("restore", str(file))
    assert "all as the manifest says" in run("restore", str(file), yes=True)
    after = backup.snapshot()
    # The restore is audited after it is compared: one event more than the backup held.
    assert after["audit_events"] == audit_count + 1
    after["audit_events"] -= 1
    after["tables"]["audit_auditevent"] -= 1
    assert after == before
    assert ledger_totals() == totals
    assert Path(money.file.path).read_bytes() == PDF
    if connection.vendor == "sqlite":
        with sqlite3.connect(connection.settings_dict["NAME"]) as db:
            assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"


def rewrite(file: Path, to: Path, change) -> None:  # type: ignore[no-untyped-def]
    """A copy of a backup with its manifest or members changed."""
    with tarfile.open(file) as old, tarfile.open(to, "w") as new:
        for member in old.getmembers():
            data = old.extractfile(member).read() if member.isfile() else None
            data = change(member.name, data)
            if data is None and member.isfile():
                continue
            if member.isfile():
                member.size = len(data)
                new.addfile(member, io.BytesIO(data))
            else:
                new.addfile(member)


def test_the_drill_names_what_does_not_match(world: World, money: Receipt, tmp_path) -> None:
    file = tmp_path / "b.tar"
    run("backup", to=file)

    def claim_more(name: str, data: bytes | None) -> bytes | None:
        if name != "manifest.json":
            return data
        manifest = json.loads(data)
        manifest["snapshot"]["tables"]["households_household"] += 1
        key = next(iter(manifest["snapshot"]["ledger_totals"]))
        manifest["snapshot"]["ledger_totals"][key] += 100
        return json.dumps(manifest).encode()

    tampered = tmp_path / "tampered.tar"
    rewrite(file, tampered, claim_more)
    with pytest.raises(CommandError) as refused:
        run("backup", check=tampered)
    message = str(refused.value)
    assert "households_household: 5 rows in the backup, 4 restored" in message
    assert "ledger total" in message

    without_receipt = tmp_path / "no-receipt.tar"
    rewrite(file, without_receipt, lambda name, data: None if name.endswith(".pdf") else data)
    with pytest.raises(CommandError, match="receipt file .* is missing"):
        run("backup", check=without_receipt)


def test_bad_backup_files_are_refused_and_nothing_changes(world: World, tmp_path) -> None:
    before = backup.snapshot()
    with pytest.raises(CommandError, match="There is no backup file"):
        run("restore", str(tmp_path / "nowhere.tar"), yes=True)
    junk = tmp_path / "junk.tar"
    junk.write_text("not a backup")
    with pytest.raises(CommandError, match="is not a Pathways backup"):
        run("restore", str(junk), yes=True)
    assert backup.snapshot() == before
    file = tmp_path / "b.tar"
    run("backup", to=file)
    before = backup.snapshot()  # with the backup's own audit event
    with pytest.raises(CommandError, match="exists already"):
        run("backup", to=file)
    other = "postgresql" if connection.vendor == "sqlite" else "sqlite"

    def other_engine(name: str, data: bytes | None) -> bytes | None:
        if name != "manifest.json":
            return data
        return json.dumps({**json.loads(data), "engine": other}).encode()

    moved = tmp_path / "other.tar"
    rewrite(file, moved, other_engine)
    with pytest.raises(CommandError, match=f"is a {other} backup"):
        run("restore", str(moved), yes=True)
    assert backup.snapshot() == before


@pytest.fixture
def backup_key(tmp_path: Path, monkeypatch) -> str:
    """A throwaway GnuPG key pair in a keyring of the test's own."""
    home = tmp_path / "gnupg"
    home.mkdir(mode=0o700)
    monkeypatch.setenv("GNUPGHOME", str(home))
    subprocess.run(  # noqa: S603
        [shutil.which("gpg") or "gpg", "--batch", "--passphrase", "", "--quick-generate-key",
         "backups@pathways.test", "rsa2048", "encr", "1d"],
        check=True, capture_output=True,
    )  # fmt: skip
    return "backups@pathways.test"


def test_a_backup_is_compressed_and_can_be_encrypted_so_the_server_cannot_read_it(
    world: World, money: Receipt, tmp_path: Path, backup_key: str, settings
) -> None:
    settings.VAR_DIR = tmp_path / "var"
    out = run("backup", encrypt_to=backup_key)
    [made] = (tmp_path / "var" / "backups").iterdir()
    assert made.name.endswith(".tar.gz.gpg") and f"Backed up to {made}" in out
    assert made.stat().st_mode & 0o077 == 0
    data = made.read_bytes()
    assert b"manifest" not in data and PDF not in data and not data.startswith(b"\x1f\x8b")
    assert "restores cleanly" in run("backup", check=made)  # decrypted with the key here
    plain = run("backup", to=tmp_path / "plain.tar.gz")
    assert "plain.tar.gz" in plain and (tmp_path / "plain.tar.gz").read_bytes()[:2] == b"\x1f\x8b"
    with pytest.raises(CommandError, match="gpg failed"):
        run("backup", to=tmp_path / "x.tar.gz.gpg", encrypt_to="nobody@nowhere.test")
    assert not (tmp_path / "x.tar.gz.gpg").exists()


def test_keep_deletes_all_but_the_newest_backups(world: World, tmp_path: Path) -> None:
    folder = tmp_path / "backups"
    folder.mkdir()
    for day in range(1, 6):
        (folder / f"pathways-2026-11-0{day}-011500.tar.gz").write_text("old")
    (folder / "notes.txt").write_text("not a backup")
    out = run("backup", to=folder / "pathways-2026-12-04-011500.tar.gz", keep=3)
    assert sorted(p.name for p in folder.iterdir()) == [
        "notes.txt",
        "pathways-2026-11-04-011500.tar.gz",
        "pathways-2026-11-05-011500.tar.gz",
        "pathways-2026-12-04-011500.tar.gz",
    ]
    assert out.count("Deleted the older backup") == 3
    with pytest.raises(CommandError, match="--keep must be 1 or more"):
        run("backup", to=folder / "another.tar.gz", keep=0)
