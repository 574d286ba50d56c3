"""Background jobs: recomputing a whole programme's outcomes after its measures change."""

from __future__ import annotations

import datetime as dt

from django.db import IntegrityError, transaction
from django.utils import timezone
from django_tasks import task

from pathways.outcomes.batches import recompute_programme
from pathways.outcomes.models import DailyRecompute
from pathways.programmes.models import Programme


@task()
def recompute_programme_outcomes(programme_id: int) -> dict[str, int]:
    result = recompute_programme(Programme.objects.get(pk=programme_id))
    return vars(result)


def queue_daily_recomputes(on: dt.date | None = None) -> int:
    """Queue today's recompute of every programme, once a day however often it is called.
    `pathways run` calls it through the night; a cron job can call
    `pathways outcomes recompute --all` instead."""
    on = on or timezone.localdate()
    queued = 0
    for programme in Programme.objects.all():
        try:
            with transaction.atomic():
                DailyRecompute.objects.create(programme=programme, on=on)
                transaction.on_commit(
                    lambda pk=programme.pk: recompute_programme_outcomes.enqueue(pk)
                )
        except IntegrityError:
            continue  # queued already today
        queued += 1
    return queued
