"""Instruments (a star, a questionnaire) as data, and readings of them for a person.

An instrument has points, each on a scale with words for every step. A reading scores every
point; where the worker and the participant disagree both scores are kept and the worker's is
used for analysis. A reading is never edited: a correction is a new reading that amends it.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone


class Instrument(models.Model):
    code = models.SlugField(max_length=60, unique=True)
    name = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    licence = models.CharField(max_length=200, blank=True)
    # Named stages over the scale, e.g. [{"score": 1, "name": "Stuck"}, …]
    stages = models.JSONField(default=list, blank=True)
    version = models.PositiveIntegerField(default=1)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def stage_name(self, score: int | None) -> str:
        for stage in self.stages:
            if stage.get("score") == score:
                return stage.get("name", "")
        return ""


class InstrumentPoint(models.Model):
    """One point of an instrument (a star's arm, a question)."""

    class Kind(models.TextChoices):
        SCALE = "scale", "A scale"
        YES_NO = "yes_no", "Yes or no"

    instrument = models.ForeignKey(Instrument, on_delete=models.CASCADE, related_name="points")
    code = models.SlugField(max_length=60)
    name = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    order = models.PositiveSmallIntegerField()
    kind = models.CharField(max_length=8, choices=Kind.choices, default=Kind.SCALE)
    scale_min = models.SmallIntegerField(default=1)
    scale_max = models.SmallIntegerField(default=5)
    # Words for each step, lowest first, so a person can place themselves.
    steps = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ["instrument", "order"]
        constraints = [
            models.UniqueConstraint(fields=["instrument", "code"], name="instrument_point_unique")
        ]

    def __str__(self) -> str:
        return f"{self.instrument.code}:{self.code}"

    def step_words(self, score: int | None) -> str:
        if score is None:
            return ""
        index = score - self.scale_min
        if self.kind == self.Kind.YES_NO:
            return "Yes" if score else "No"
        return self.steps[index] if 0 <= index < len(self.steps) else ""


class Reading(models.Model):
    """A person's reading on an instrument, on a date, agreed with their advocate."""

    person = models.ForeignKey(
        "households.Person", on_delete=models.PROTECT, related_name="readings"
    )
    instrument = models.ForeignKey(Instrument, on_delete=models.PROTECT, related_name="readings")
    date = models.DateField()
    present = models.CharField(max_length=200, blank=True)  # who was there
    notes = models.TextField(blank=True)
    # A correction points at the reading it corrects; the corrected one stays, superseded.
    amends = models.OneToOneField(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="amended_by"
    )
    amendment_reason = models.CharField(max_length=500, blank=True)
    superseded = models.BooleanField(default=False)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["person", "date", "id"]
        indexes = [
            models.Index(fields=["person", "superseded", "date"], name="reading_person_date_idx"),
            # Reports as at a date look for readings after it: few or none, found at once.
            models.Index(fields=["date"], name="reading_date_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.instrument.code} reading of {self.person} on {self.date}"


class Score(models.Model):
    """One point of a reading: the worker's and the participant's score (either may be empty
    when they agree; the worker's is used for analysis)."""

    reading = models.ForeignKey(Reading, on_delete=models.CASCADE, related_name="scores")
    point = models.ForeignKey(InstrumentPoint, on_delete=models.PROTECT, related_name="+")
    worker = models.SmallIntegerField(null=True, blank=True)
    participant = models.SmallIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["reading", "point__order"]
        constraints = [
            models.UniqueConstraint(fields=["reading", "point"], name="score_point_unique"),
            models.CheckConstraint(
                condition=models.Q(worker__isnull=False) | models.Q(participant__isnull=False),
                name="score_has_a_value",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.point.code}={self.value}"

    @property
    def value(self) -> int | None:
        """The score used for analysis: the worker's, else the participant's."""
        return self.worker if self.worker is not None else self.participant
