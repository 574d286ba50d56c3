"""Households on a programme and the people in them.

The foundation keeps only what access control, audit and the start pages need; the
households issue adds referral, eligibility, consent and every field of the exchange format.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone


class Household(models.Model):
    """A household on one programme, delivered by one organisation, with one advocate."""

    programme = models.ForeignKey(
        "programmes.Programme", on_delete=models.PROTECT, related_name="households"
    )
    reference = models.CharField(max_length=60)
    local_authority = models.ForeignKey("areas.LocalAuthority", on_delete=models.PROTECT)
    # The organisation whose team works with the household: what a team manager sees.
    organisation = models.ForeignKey(
        "organisations.Organisation", on_delete=models.PROTECT, related_name="households"
    )
    advocate = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="caseload",
    )
    referral_date = models.DateField(null=True, blank=True)
    start_date = models.DateField(null=True, blank=True)
    end_date = models.DateField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["reference"]
        constraints = [
            models.UniqueConstraint(
                fields=["programme", "reference"], name="household_reference_unique"
            )
        ]

    def __str__(self) -> str:
        return self.reference


class Person(models.Model):
    """A member of a household."""

    class Role(models.TextChoices):
        PRIMARY = "primary", "Primary"
        PARTNER = "partner", "Partner"
        ADULT = "adult", "Adult"
        CHILD = "child", "Child"

    household = models.ForeignKey(Household, on_delete=models.PROTECT, related_name="members")
    given_name = models.CharField(max_length=100)
    family_name = models.CharField(max_length=100)
    date_of_birth = models.DateField(null=True, blank=True)
    role = models.CharField(max_length=16, choices=Role.choices)

    class Meta:
        ordering = ["household", "id"]

    def __str__(self) -> str:
        return f"{self.given_name} {self.family_name}"
