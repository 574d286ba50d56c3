"""What the running processes say about themselves, and which nightly jobs have run."""

from __future__ import annotations

from django.db import models


class ProcessBeat(models.Model):
    """A job worker's or scheduler's latest sign of life, written every few seconds.

    /readyz reads the newest worker's: no worker heard from lately means uploaded imports and
    nightly recomputes would wait for ever, so the service is not ready."""

    class Kind(models.TextChoices):
        WORKER = "worker", "Job worker"
        SCHEDULER = "scheduler", "Scheduler"

    kind = models.CharField(max_length=16, choices=Kind.choices)
    name = models.CharField(max_length=200, unique=True)  # host:process id
    started_at = models.DateTimeField()
    seen_at = models.DateTimeField(db_index=True)

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.name}"


class ScheduledRun(models.Model):
    """One day's run of one scheduled job. The unique pair is the lock: with schedulers on two
    machines, the first to write the row runs the job and the other skips it."""

    job = models.CharField(max_length=100)
    on = models.DateField()
    started_at = models.DateTimeField()
    finished_at = models.DateTimeField(null=True, blank=True)
    outcome = models.TextField(blank=True)  # what it did, or the error, for the operator

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["job", "on"], name="scheduled_run_once_a_day")
        ]

    def __str__(self) -> str:
        return f"{self.job} on {self.on}"
