"""Receipts kept for a spend request: a PDF, JPEG or PNG that is what its name says it is."""

from __future__ import annotations

import uuid
from pathlib import PurePath
from typing import Any

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction

from pathways.accounts.models import Actor
from pathways.audit import services as audit
from pathways.audit.verbs import Verb
from pathways.budgets.ledger import recorder
from pathways.budgets.models import Receipt, SpendRequest
from pathways.core.exceptions import RuleError

# What each allowed kind of file starts with: a file must be what its name says it is.
RECEIPT_KINDS = {
    ".pdf": ("application/pdf", (b"%PDF-",)),
    ".png": ("image/png", (b"\x89PNG\r\n\x1a\n",)),
    ".jpg": ("image/jpeg", (b"\xff\xd8\xff",)),
    ".jpeg": ("image/jpeg", (b"\xff\xd8\xff",)),
}


@transaction.atomic
def add_receipt(*, actor: Actor, request: SpendRequest, upload: Any) -> Receipt:
    """Keep a receipt for a request, if it is a PDF, JPEG or PNG that is what it says it is."""
    name = PurePath(upload.name or "").name
    extension = PurePath(name).suffix.lower()
    if extension not in RECEIPT_KINDS:
        raise RuleError({"receipt": "The receipt must be a PDF, JPG or PNG file"})
    if upload.size > settings.RECEIPT_MAX_BYTES:
        raise RuleError({"receipt": "The receipt must be smaller than 5 MB"})
    content = upload.read()
    content_type, signatures = RECEIPT_KINDS[extension]
    if not any(content.startswith(signature) for signature in signatures):
        raise RuleError(
            {
                "receipt": f"The file is not a real {extension.lstrip('.').upper()}: check it and try again"
            }
        )
    receipt = Receipt(
        request=request,
        original_name=name[:200],
        content_type=content_type,
        size=len(content),
        uploaded_by=recorder(actor),
    )
    receipt.file.save(f"{uuid.uuid4().hex}{extension}", ContentFile(content), save=False)
    receipt.save()
    household = request.budget.household
    audit.record(
        actor=actor,
        verb=Verb.BUDGET_RECEIPT_ADDED,
        target=receipt,
        programme=household.programme,
        data={"request": request.pk, "name": receipt.original_name, "size": receipt.size},
    )
    return receipt
