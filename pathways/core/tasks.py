"""Background jobs of the core: a ping that proves the worker is running."""

from __future__ import annotations

from django.utils import timezone
from django_tasks import task


@task()
def ping() -> str:
    """Answer with the time the worker ran the job."""
    return timezone.now().isoformat()
