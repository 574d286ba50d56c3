"""The Household Support Budget: an append-only ledger in whole pence.

Balances are derived from the entries, never stored. A correction is a new entry. Each
household has one Budget row: the row that spends lock, so two spends at once queue.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

from pathways.core.files import PrivateFiles
from pathways.programmes.definition import BUDGET_CATEGORIES


class LedgerIsAppendOnly(Exception):
    """Raised on any attempt to change or remove a ledger entry."""


# budget.csv categories: a programme's definition data (Category.TRAVEL is "travel", "Travel").
Category = models.TextChoices(
    "Category", [(code.upper(), (code, label)) for code, label in BUDGET_CATEGORIES.items()]
)


class Budget(models.Model):
    """A household's budget: the row every change to its ledger locks first."""

    household = models.OneToOneField(
        "households.Household", on_delete=models.PROTECT, related_name="budget"
    )
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"Budget of {self.household}"


class SpendRequest(models.Model):
    """A request to spend: requested, approved or rejected, then paid (or cancelled)."""

    class Status(models.TextChoices):
        REQUESTED = "requested", "Waiting for approval"
        APPROVED = "approved", "Approved"
        REJECTED = "rejected", "Rejected"
        PAID = "paid", "Paid"
        CANCELLED = "cancelled", "Cancelled"

    budget = models.ForeignKey(Budget, on_delete=models.PROTECT, related_name="requests")
    category = models.CharField(max_length=20, choices=Category.choices)
    amount_pence = models.PositiveIntegerField()
    supplier = models.CharField(max_length=200, blank=True)
    description = models.CharField(max_length=500, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.REQUESTED)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    requested_at = models.DateTimeField(default=timezone.now)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_reason = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["-requested_at", "-id"]

    def __str__(self) -> str:
        return f"{self.get_category_display()} £{self.amount_pence / 100:.2f} ({self.get_status_display()})"


class EntryQuerySet(models.QuerySet):
    def update(self, **kwargs):  # type: ignore[no-untyped-def]
        raise LedgerIsAppendOnly("ledger entries cannot be changed")

    def delete(self):  # type: ignore[no-untyped-def]
        raise LedgerIsAppendOnly("ledger entries cannot be deleted")

    def bulk_update(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        raise LedgerIsAppendOnly("ledger entries cannot be changed")


class Entry(models.Model):
    """One line of the ledger. `amount_pence` is signed by its effect on the money available:
    an allocation, a release or a refund adds; a commitment or a spend takes away; an
    adjustment does either."""

    class Kind(models.TextChoices):
        ALLOCATION = "allocation", "Allocation"
        ADJUSTMENT = "adjustment", "Adjustment"
        COMMITMENT = "commitment", "Commitment"
        RELEASE = "release", "Release of a commitment"
        SPEND = "spend", "Spend"
        REFUND = "refund", "Refund"

    budget = models.ForeignKey(Budget, on_delete=models.PROTECT, related_name="entries")
    kind = models.CharField(max_length=12, choices=Kind.choices)
    amount_pence = models.IntegerField()
    date = models.DateField()
    category = models.CharField(max_length=20, choices=Category.choices, blank=True)
    supplier = models.CharField(max_length=200, blank=True)
    description = models.CharField(max_length=500, blank=True)
    request = models.ForeignKey(
        SpendRequest, null=True, blank=True, on_delete=models.PROTECT, related_name="entries"
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    # For entries from an imported file: which row they stand for, so that importing the same
    # file again changes nothing and a changed amount is corrected by a further entry.
    source_key = models.CharField(max_length=200, blank=True, db_index=True)

    objects = EntryQuerySet.as_manager()

    class Meta:
        ordering = ["budget", "date", "id"]
        verbose_name_plural = "entries"

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.amount_pence:+d}p on {self.date}"

    def save(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        if self.pk is not None:
            raise LedgerIsAppendOnly("ledger entries cannot be changed")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        raise LedgerIsAppendOnly("ledger entries cannot be deleted")


def _private_storage():  # type: ignore[no-untyped-def]
    """On disk or in the bucket, as configured when a file is saved or read."""
    return PrivateFiles("receipts")


class Receipt(models.Model):
    """A receipt for a request: a PDF, JPEG or PNG, kept outside the web root."""

    request = models.ForeignKey(SpendRequest, on_delete=models.PROTECT, related_name="receipts")
    file = models.FileField(storage=_private_storage, upload_to="%Y/%m/")
    original_name = models.CharField(max_length=200)
    content_type = models.CharField(max_length=40)
    size = models.PositiveIntegerField()
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["request", "uploaded_at"]

    def __str__(self) -> str:
        return self.original_name
