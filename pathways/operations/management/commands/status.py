"""`pathways status`: what /readyz says, the scheduler, and the last nightly runs."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from pathways.operations import health
from pathways.operations.models import ScheduledRun


class Command(BaseCommand):
    help = "Say whether Pathways is ready, and why not; exits 1 when it is not."

    def handle(self, *args: Any, **options: Any) -> None:
        checks = health.readiness()
        ready = all(check.ok for check in checks)
        migrated = len(checks) > 1 and checks[1].ok
        if migrated:
            checks += [health.scheduler(), health.audit_log_protection()]
        for check in checks:
            self.stdout.write(f"{'ok ' if check.ok else 'NOT'} {check.name}: {check.detail}")
        if migrated:
            for run in ScheduledRun.objects.order_by("-started_at")[:6]:
                finished = f"{run.finished_at:%H:%M}" if run.finished_at else "still running"
                self.stdout.write(f"    {run.on} {run.job}: {run.outcome or '…'} ({finished})")
        if not ready:
            raise CommandError("Pathways is not ready.")
