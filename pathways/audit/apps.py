from django.apps import AppConfig
from django.db.backends.signals import connection_created

from pathways.audit.locking import define_lock


class AuditConfig(AppConfig):
    name = "pathways.audit"
    label = "audit"

    def ready(self) -> None:
        connection_created.connect(define_lock, dispatch_uid="pathways.audit.lock")
