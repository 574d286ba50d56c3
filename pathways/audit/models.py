"""The audit log: append-only, written by services, never edited or deleted by the app."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone


class AuditLogIsAppendOnly(Exception):
    """Raised on any attempt to change or remove an audit event."""


class AuditEventQuerySet(models.QuerySet):
    def update(self, **kwargs):  # type: ignore[no-untyped-def]
        raise AuditLogIsAppendOnly("audit events cannot be changed")

    def delete(self):  # type: ignore[no-untyped-def]
        raise AuditLogIsAppendOnly("audit events cannot be deleted")

    def bulk_update(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        raise AuditLogIsAppendOnly("audit events cannot be changed")


class AuditEvent(models.Model):
    """Who did what to which record, when, and from where.

    `verb` is free text (no choices), so a new kind of event needs no migration.
    On PostgreSQL a trigger also refuses UPDATE and DELETE (migration 0002).
    """

    at = models.DateTimeField(default=timezone.now, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # Kept as text too, so the event still says who it was if the account is later renamed.
    actor_label = models.CharField(max_length=200, blank=True)
    verb = models.CharField(max_length=60, db_index=True)
    target_type = models.CharField(max_length=60, blank=True, db_index=True)
    target_id = models.CharField(max_length=60, blank=True, db_index=True)
    target_label = models.CharField(max_length=200, blank=True)
    # The programme a case record belongs to: what lets a programme manager search it.
    programme = models.ForeignKey(
        "programmes.Programme", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    data = models.JSONField(default=dict, blank=True)
    ip_address = models.GenericIPAddressField(null=True, blank=True)

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["target_type", "target_id", "at"], name="audit_target_idx")]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_label} {self.verb} {self.target_label}"

    def save(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        if self.pk is not None:
            raise AuditLogIsAppendOnly("audit events cannot be changed")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        raise AuditLogIsAppendOnly("audit events cannot be deleted")


class AuditSeal(models.Model):
    """One link of the chain that seals the log (audit/sealing.py): the digest of an event's
    contents and the previous link's digest. Changing, removing or inserting an event after it
    was sealed breaks the chain, which `pathways audit verify` finds. Append-only too."""

    # Not a foreign key: a sealed event that someone removes must leave its seal behind.
    event_id = models.BigIntegerField(unique=True)
    # The link before (none for the first): unique, so two sealers cannot fork the chain.
    previous = models.OneToOneField(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="next"
    )
    digest = models.CharField(max_length=64)
    sealed_at = models.DateTimeField(default=timezone.now)

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return f"Seal {self.pk} of event {self.event_id}"

    def save(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        if self.pk is not None:
            raise AuditLogIsAppendOnly("seals cannot be changed")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        raise AuditLogIsAppendOnly("seals cannot be deleted")
