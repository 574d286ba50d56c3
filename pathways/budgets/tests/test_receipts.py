"""Receipts: only PDF, JPEG or PNG that really are; kept outside the web root; downloaded only
by those who may see the household."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from pathways.budgets import spend_requests
from pathways.budgets.models import Receipt
from pathways.conftest import World

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


def spend(world: World):  # type: ignore[no-untyped-def]
    return spend_requests.request_spend(
        actor=world.advocate_k, household=world.household_k, category="clothing", amount_pence=4_500
    )


def test_a_receipt_is_kept_privately_and_served_only_to_those_who_may_see_it(
    world: World, signed_in
) -> None:
    request = spend(world)
    client = signed_in(world.advocate_k)
    url = reverse("budgets:add-receipt", args=[world.household_k.pk, request.pk])
    assert (
        client.post(url, {"receipt": SimpleUploadedFile("interview shoes.pdf", PDF)}).status_code
        == 302
    )
    receipt = Receipt.objects.get()
    assert receipt.original_name == "interview shoes.pdf"
    stored = receipt.file.path
    assert stored.startswith(str(settings.PRIVATE_FILES_DIR))
    assert not stored.startswith(str(settings.STATIC_ROOT))
    download = client.get(reverse("budgets:receipt", args=[world.household_k.pk, receipt.pk]))
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == PDF
    assert download["Content-Type"] == "application/pdf"
    # A colleague in another authority cannot fetch it by URL.
    outsider = signed_in(world.advocate_l)
    assert (
        outsider.get(
            reverse("budgets:receipt", args=[world.household_k.pk, receipt.pk])
        ).status_code
        == 404
    )
    assert (
        outsider.get(
            reverse("budgets:receipt", args=[world.household_l.pk, receipt.pk])
        ).status_code
        == 404
    )


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("receipt.pdf", PNG, "not a real PDF"),
        ("receipt.png", PDF, "not a real PNG"),
        ("receipt.exe", b"MZ\x90\x00", "must be a PDF, JPG or PNG"),
        ("receipt.jpg", b"<html><script>", "not a real JPG"),
    ],
)
def test_a_receipt_that_is_not_what_it_says_is_refused(
    world: World, signed_in, name, content, message
) -> None:
    request = spend(world)
    client = signed_in(world.advocate_k)
    response = client.post(
        reverse("budgets:add-receipt", args=[world.household_k.pk, request.pk]),
        {"receipt": SimpleUploadedFile(name, content)},
    )
    assert message in response.content.decode()
    assert not Receipt.objects.exists()
