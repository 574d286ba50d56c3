"""Background jobs of the exchange: an import started from the upload page."""

from __future__ import annotations

from django_tasks import task


@task()
def import_uploaded_bundle(run_id: int) -> str:
    from pathways.exchange.services import run_import

    return run_import(run_id).status
