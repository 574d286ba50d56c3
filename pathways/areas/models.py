"""Places: local authorities now; wards, LSOAs and indicators come with the area issue."""

from __future__ import annotations

from django.db import models


class LocalAuthority(models.Model):
    """A local authority district, known by its ONS code (e.g. E08000012 Liverpool)."""

    code = models.CharField(max_length=9, unique=True)
    name = models.CharField(max_length=100)
    region = models.CharField(max_length=100, blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "local authorities"

    def __str__(self) -> str:
        return self.name
