"""Organisations that deliver, fund, evaluate or partner on a programme, and their teams."""

from __future__ import annotations

from django.db import models


class Organisation(models.Model):
    """A body whose staff use Pathways: a council, the Combined Authority, a funder…"""

    class Type(models.TextChoices):
        COMBINED_AUTHORITY = "combined_authority", "Combined authority"
        LOCAL_AUTHORITY = "local_authority", "Local authority"
        HOUSING_PROVIDER = "housing_provider", "Housing provider"
        JOBCENTRE_PLUS = "jobcentre_plus", "Jobcentre Plus"
        NHS = "nhs", "NHS"
        THIRD_SECTOR = "third_sector", "Third sector"
        TRAINING_PROVIDER = "training_provider", "Training provider"
        EMPLOYER = "employer", "Employer"
        EVALUATOR = "evaluator", "Evaluator"
        FUNDER = "funder", "Funder"

    name = models.CharField(max_length=200, unique=True)
    type = models.CharField(max_length=32, choices=Type.choices)
    # The authority a council is, or the one a partner mainly works in.
    local_authority = models.ForeignKey(
        "areas.LocalAuthority", null=True, blank=True, on_delete=models.PROTECT
    )
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Team(models.Model):
    """A team inside an organisation, e.g. Knowsley's Employment Advocates."""

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="teams")
    name = models.CharField(max_length=200)

    class Meta:
        ordering = ["organisation__name", "name"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "name"], name="team_name_unique_in_org")
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.organisation.name})"
