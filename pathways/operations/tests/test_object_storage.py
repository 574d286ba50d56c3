"""Two app machines share their private files through an S3 bucket (PATHWAYS_FILE_STORAGE=s3):
receipts, and uploaded bundles that a worker on the other machine imports. Against moto's S3
server on loopback, through the real client (boto3, django-storages); never the internet."""

from __future__ import annotations

import contextlib
import io
import socket
import subprocess
import sys
import tarfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import boto3
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse

from pathways.budgets import receipts, spend_requests
from pathways.budgets.models import Receipt
from pathways.conftest import World
from pathways.exchange import services as exchange
from pathways.exchange.generate import Settings as Cohort
from pathways.exchange.generate import generate
from pathways.exchange.models import ImportRun
from pathways.exchange.tasks import import_uploaded_bundle
from pathways.exchange.tests.test_exchange_pages import zipped
from pathways.households.models import Household
from pathways.operations import backup
from pathways.operations.tests.stack import free_port

BUCKET = "pathways-private"
PDF = b"%PDF-1.4\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n"
CREDENTIALS = {"access_key": "testing", "secret_key": "testing"}


@pytest.fixture(scope="module")
def s3_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    port = free_port()
    log = (tmp_path_factory.mktemp("moto") / "moto.log").open("wb")
    server = subprocess.Popen(  # noqa: S603 - moto's server, from this interpreter
        [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)],
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    deadline = time.monotonic() + 30
    while True:
        with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), 1):
            break
        assert time.monotonic() < deadline and server.poll() is None, "moto did not start"
        time.sleep(0.1)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.terminate()
        server.wait(timeout=10)


@pytest.fixture
def bucket(s3_server: str, settings: Any) -> Any:
    """A new, empty bucket; Pathways told to keep its private files there."""
    client = boto3.client(
        "s3",
        endpoint_url=s3_server,
        region_name="eu-west-2",
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
    )
    with contextlib.suppress(client.exceptions.BucketAlreadyOwnedByYou):
        client.create_bucket(
            Bucket=BUCKET, CreateBucketConfiguration={"LocationConstraint": "eu-west-2"}
        )
    for found in client.list_objects_v2(Bucket=BUCKET).get("Contents", []):
        client.delete_object(Bucket=BUCKET, Key=found["Key"])
    settings.FILE_STORAGE = "s3"
    settings.S3_OPTIONS = {
        "bucket_name": BUCKET,
        "endpoint_url": s3_server,
        "region_name": "eu-west-2",
        "default_acl": None,
        "querystring_auth": True,
        "object_parameters": {"ServerSideEncryption": "AES256"},
        **CREDENTIALS,
    }
    return client


def keys(client: Any) -> list[str]:
    return sorted(o["Key"] for o in client.list_objects_v2(Bucket=BUCKET).get("Contents", []))


def test_a_receipt_is_kept_in_the_bucket_encrypted_and_served_only_to_those_who_may_see_it(
    world: World, signed_in: Any, bucket: Any, settings: Any
) -> None:
    request = spend_requests.request_spend(
        actor=world.advocate_k, household=world.household_k, category="clothing", amount_pence=4_500
    )
    client = signed_in(world.advocate_k)
    url = reverse("budgets:add-receipt", args=[world.household_k.pk, request.pk])
    assert client.post(url, {"receipt": SimpleUploadedFile("shoes.pdf", PDF)}).status_code == 302
    receipt = Receipt.objects.get()
    key = f"receipts/{receipt.file.name}"
    assert keys(bucket) == [key]
    assert bucket.head_object(Bucket=BUCKET, Key=key)["ServerSideEncryption"] == "AES256"
    assert not (Path(settings.PRIVATE_FILES_DIR) / "receipts" / receipt.file.name).exists()
    download = client.get(reverse("budgets:receipt", args=[world.household_k.pk, receipt.pk]))
    assert download.status_code == 200 and b"".join(download.streaming_content) == PDF
    outsider = signed_in(world.advocate_l)
    assert (
        outsider.get(
            reverse("budgets:receipt", args=[world.household_k.pk, receipt.pk])
        ).status_code
        == 404
    )


def test_a_bundle_uploaded_on_one_machine_is_imported_from_the_bucket_by_a_worker(
    world: World,
    signed_in: Any,
    bucket: Any,
    tmp_path: Path,
    settings: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    generate(tmp_path / "bundle", Cohort(households=12, seed=5))
    client = signed_in(world.programme_manager)
    with django_capture_on_commit_callbacks(execute=False):
        response = client.post(reverse("exchange:upload"), {"bundle": zipped(tmp_path / "bundle")})
    assert response.status_code == 302
    run = ImportRun.objects.get()
    assert keys(bucket) == [f"imports/{run.stored_as}"]
    settings.PRIVATE_FILES_DIR = tmp_path / "another-machine"  # nothing on this disk
    before = Household.objects.count()
    assert import_uploaded_bundle.call(run.pk) == "done"
    assert Household.objects.count() == before + 12
    assert keys(bucket) == []  # neither the upload nor its progress note is kept
    assert not (tmp_path / "another-machine").exists()


def test_progress_notes_are_replaced_in_the_bucket_and_read_back(world: World, bucket: Any) -> None:
    run = ImportRun.objects.create(
        started_by=world.programme_manager, original_name="b.zip", stored_as="x.zip", size=1
    )
    assert exchange.progress_of(run) is None
    note = exchange._Progress(run)
    note("Reading", "people.csv", 0)
    note.last = 0
    note("Reading", "people.csv", 500)
    assert exchange.progress_of(run) == {"stage": "Reading", "file": "people.csv", "rows": 500}
    assert keys(bucket) == [f"imports/{run.pk}.progress.json"]


@pytest.mark.django_db(transaction=True)
def test_a_backup_holds_the_receipts_from_the_bucket_and_restores_them(
    world: World, bucket: Any, tmp_path: Path
) -> None:
    request = spend_requests.request_spend(
        actor=world.advocate_k, household=world.household_k, category="clothing", amount_pence=4_500
    )
    receipts.add_receipt(
        actor=world.advocate_k, request=request, upload=SimpleUploadedFile("shoes.pdf", PDF)
    )
    receipt = Receipt.objects.get()
    file = tmp_path / "backup.tar.gz"
    call_command("backup", to=file, stdout=io.StringIO())
    with tarfile.open(file) as tar:
        held = tar.extractfile(f"private/receipts/{receipt.file.name}").read()
    assert held == PDF
    out = io.StringIO()
    call_command("backup", check=file, stdout=out)
    assert "restores cleanly" in out.getvalue()  # the drill finds every receipt's file
    key = f"receipts/{receipt.file.name}"
    bucket.delete_object(Bucket=BUCKET, Key=key)
    with tarfile.open(file) as tar:
        tar.extractall(tmp_path / "held", filter="data")
    backup._restore_receipts(tmp_path / "held" / "private" / "receipts")
    assert keys(bucket) == [key]
    assert bucket.get_object(Bucket=BUCKET, Key=key)["Body"].read() == PDF
