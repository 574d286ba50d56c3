"""An import started from the upload page: the bundle kept privately until it has run, who
started it, and what came of it (the summary, or every problem)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone


class ImportRun(models.Model):
    class Status(models.TextChoices):
        QUEUED = "queued", "Waiting to start"
        RUNNING = "running", "Running"
        DONE = "done", "Imported"
        CHECKED = "checked", "Checked (trial run): nothing was changed"
        REFUSED = "refused", "Not imported: the bundle has problems"
        FAILED = "failed", "Failed"

    # None for an import run with `pathways import` on the server.
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    started_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)
    original_name = models.CharField(max_length=200)
    stored_as = models.CharField(max_length=200)  # under PRIVATE_FILES_DIR/imports
    size = models.PositiveBigIntegerField()
    dry_run = models.BooleanField(default=False)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    # {"households.csv": {"created": n, "updated": n, "unchanged": n}, …}
    summary = models.JSONField(default=dict, blank=True)
    # [{"file", "line", "column", "value", "reason"}, …] (the first 1,000, then a count)
    problems = models.JSONField(default=list, blank=True)
    seconds = models.FloatField(null=True, blank=True)
    error = models.CharField(max_length=500, blank=True)
    # "host:pid" of the process running it, so a run whose process died (killed, or the
    # server restarted) is found and reported failed instead of "running" for ever.
    worker = models.CharField(max_length=100, blank=True)

    class Meta:
        ordering = ["-started_at", "-id"]

    def __str__(self) -> str:
        return f"Import of {self.original_name} ({self.get_status_display()})"

    @property
    def finished(self) -> bool:
        return self.status not in (self.Status.QUEUED, self.Status.RUNNING)
