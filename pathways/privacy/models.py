"""Data protection records (UK GDPR): for each person and purpose, the lawful basis (Article 6)
and special-category condition (Article 9, with the Data Protection Act 2018 Schedule 1
condition) under which Pathways holds or shares their data; consent and sharing agreements
with the notice version, when, who recorded them, and their withdrawal.

A person's data leaves Pathways for a purpose (a claim to the funder, a pseudonymised extract
for evaluators, a partner) only while an active record for that purpose exists.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone


class Purpose(models.TextChoices):
    DELIVERY = "delivery", "Providing the programme's support"
    FUNDER = "funder", "Outcome claims and evidence to the funder"
    EVALUATION = "evaluation", "Pseudonymised data for the programme's evaluation"
    PARTNER = "partner", "Sharing with partner organisations (housing, Jobcentre Plus, NHS)"


class LawfulBasis(models.TextChoices):
    """UK GDPR Article 6(1)."""

    CONSENT = "consent", "Consent (Article 6(1)(a))"
    CONTRACT = "contract", "Contract (Article 6(1)(b))"
    LEGAL_OBLIGATION = "legal_obligation", "Legal obligation (Article 6(1)(c))"
    VITAL_INTERESTS = "vital_interests", "Vital interests (Article 6(1)(d))"
    PUBLIC_TASK = "public_task", "Public task (Article 6(1)(e))"
    LEGITIMATE_INTERESTS = "legitimate_interests", "Legitimate interests (Article 6(1)(f))"


class SpecialCondition(models.TextChoices):
    """UK GDPR Article 9(2), with the Data Protection Act 2018 Schedule 1 condition it needs."""

    NONE = "none", "No special category data for this purpose"
    EXPLICIT_CONSENT = "explicit_consent", "Explicit consent (Article 9(2)(a))"
    EMPLOYMENT_SOCIAL_PROTECTION = (
        "employment_social_protection",
        "Employment, social security and social protection (Article 9(2)(b); DPA 2018 Sch. 1 para. 1)",
    )
    VITAL_INTERESTS = "vital_interests", "Vital interests (Article 9(2)(c))"
    SUBSTANTIAL_PUBLIC_INTEREST = (
        "substantial_public_interest",
        "Substantial public interest (Article 9(2)(g); DPA 2018 Sch. 1 Part 2)",
    )
    HEALTH_SOCIAL_CARE = (
        "health_social_care",
        "Health or social care (Article 9(2)(h); DPA 2018 Sch. 1 para. 2)",
    )
    RESEARCH_STATISTICS = (
        "research_statistics",
        "Archiving, research and statistics (Article 9(2)(j); DPA 2018 Sch. 1 para. 4)",
    )


class ProcessingRecordQuerySet(models.QuerySet):
    def active(self) -> ProcessingRecordQuerySet:
        return self.filter(withdrawn_at__isnull=True)


class ProcessingRecord(models.Model):
    """Why Pathways may hold or share one person's data for one purpose, from when, on whose
    record; and, once withdrawn (consent withdrawn, an objection upheld), when and by whom."""

    person = models.ForeignKey(
        "households.Person", on_delete=models.PROTECT, related_name="processing_records"
    )
    purpose = models.CharField(max_length=12, choices=Purpose.choices)
    lawful_basis = models.CharField(max_length=24, choices=LawfulBasis.choices)
    special_condition = models.CharField(max_length=32, choices=SpecialCondition.choices)
    notice_version = models.CharField(max_length=40)
    given_on = models.DateField()
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now)
    withdrawn_on = models.DateField(null=True, blank=True)
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    withdrawal_reason = models.CharField(max_length=500, blank=True)

    objects = ProcessingRecordQuerySet.as_manager()

    class Meta:
        ordering = ["person", "purpose", "-recorded_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["person", "purpose"],
                condition=Q(withdrawn_at__isnull=True),
                name="one_active_record_a_purpose",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_purpose_display()}: {self.get_lawful_basis_display()}"

    @property
    def active(self) -> bool:
        return self.withdrawn_at is None


class SubjectAccessRequest(models.Model):
    """A person asked for a copy of their data (UK GDPR Article 15): when it was received and
    when the answer is due (privacy.subject_access.due_date), and when it was exported."""

    person = models.ForeignKey(
        "households.Person", on_delete=models.PROTECT, related_name="subject_access_requests"
    )
    received_on = models.DateField()
    due_on = models.DateField()
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now)
    exported_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["person", "-received_on", "-id"]

    def __str__(self) -> str:
        return f"Subject access request received {self.received_on:%-d %b %Y}"


class RetentionTombstone(models.Model):
    """What is left to say that a household's identifying data was removed at the end of its
    retention period: when, under which rule, and how much, never what."""

    household = models.OneToOneField(
        "households.Household", on_delete=models.PROTECT, related_name="tombstone"
    )
    programme = models.ForeignKey(
        "programmes.Programme", on_delete=models.PROTECT, related_name="+"
    )
    left_on = models.DateField()
    retention_years = models.PositiveSmallIntegerField()
    anonymised_at = models.DateTimeField(default=timezone.now)
    people = models.PositiveIntegerField()
    fields_cleared = models.PositiveIntegerField()
    files_deleted = models.PositiveIntegerField()

    class Meta:
        ordering = ["-anonymised_at"]

    def __str__(self) -> str:
        return f"Household {self.household_id} anonymised {self.anonymised_at:%-d %b %Y}"
