"""Programmes as data: area, eligibility, length, budget, instrument, measures, targets."""

from __future__ import annotations

import copy
from decimal import Decimal

from django.conf import settings
from django.db import models
from django.utils import timezone


class Programme(models.Model):
    """One programme (e.g. Households into Work). Its rules live here, not in code.

    The structured parts (eligibility, measures, targets, payments, disclosure) are stored as
    validated JSON: `definition.clean_definition` is the only way in.
    """

    code = models.SlugField(max_length=60, unique=True)
    name = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    funder = models.CharField(max_length=200, blank=True)
    start_date = models.DateField()
    end_date = models.DateField(null=True, blank=True)
    support_months = models.PositiveSmallIntegerField(default=12)
    # Money in whole pence, never float.
    budget_per_household_pence = models.PositiveIntegerField(default=0)
    instrument = models.CharField(max_length=60, default="progress-star")
    # The version of the privacy notice people consent to (recorded with each consent).
    privacy_notice_version = models.CharField(max_length=40, default="1")
    # Whole years a household's identifiable records are kept after it leaves the programme;
    # then `pathways retention apply` anonymises them (privacy.retention).
    retention_years = models.PositiveSmallIntegerField(default=6)
    local_authorities = models.ManyToManyField("areas.LocalAuthority", related_name="programmes")
    lsoas = models.JSONField(default=list, blank=True)
    eligibility = models.JSONField(default=dict)
    measures = models.JSONField(default=dict)
    targets = models.JSONField(default=list, blank=True)
    outcome_payments = models.JSONField(default=list, blank=True)
    disclosure = models.JSONField(default=dict)
    # Household Support Budget spending rules (definition.clean_definition's budget_rules).
    budget_rules = models.JSONField(default=dict, blank=True)
    version = models.PositiveIntegerField(default=0)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    @property
    def budget_per_household(self) -> Decimal:
        return Decimal(self.budget_per_household_pence) / 100

    def definition(self) -> dict:
        """The programme as a plain definition (the shape of the TOML files): a copy, so a
        caller changing it never changes the programme behind its back."""
        return copy.deepcopy(
            {
                "code": self.code,
                "name": self.name,
                "description": self.description,
                "funder": self.funder,
                "start_date": self.start_date.isoformat(),
                "end_date": self.end_date.isoformat() if self.end_date else None,
                "support_months": self.support_months,
                "budget_per_household": f"{self.budget_per_household:.2f}",
                "instrument": self.instrument,
                "privacy_notice_version": self.privacy_notice_version,
                "retention_years": self.retention_years,
                "local_authorities": sorted(la.code for la in self.local_authorities.all()),
                "lsoas": list(self.lsoas),
                "eligibility": self.eligibility,
                "measures": self.measures,
                "targets": self.targets,
                "outcome_payments": self.outcome_payments,
                "disclosure": self.disclosure,
                "budget_rules": self.budget_rules,
            }
        )


class ProgrammeVersion(models.Model):
    """A snapshot of a programme's definition after each change: the history of its rules."""

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    definition = models.JSONField()
    reason = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["programme", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["programme", "number"], name="programme_version_unique")
        ]

    def __str__(self) -> str:
        return f"{self.programme.code} v{self.number}"
