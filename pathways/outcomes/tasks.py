"""Background jobs: recomputing a whole programme's outcomes after its measures change."""

from __future__ import annotations

from django_tasks import task


@task()
def recompute_programme_outcomes(programme_id: int) -> dict[str, int]:
    from pathways.outcomes.services import recompute_programme
    from pathways.programmes.models import Programme

    result = recompute_programme(Programme.objects.get(pk=programme_id))
    return vars(result)
