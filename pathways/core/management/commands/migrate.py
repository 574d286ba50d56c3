"""`pathways migrate`: Django's migrate, run as the tables' owner when
PATHWAYS_MIGRATE_DATABASE_URL names one, then the app's role given its rights again (new
tables included) with the audit log append-only (core/database_roles.py)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.commands.migrate import Command as DjangoMigrate
from django.db import DEFAULT_DB_ALIAS

from pathways.core.database_roles import OWNER, grant_to_app_role


class Command(DjangoMigrate):
    def handle(self, *args: Any, **options: Any) -> None:
        if options["database"] != DEFAULT_DB_ALIAS or OWNER not in settings.DATABASES:
            super().handle(*args, **options)
            return
        super().handle(*args, **options | {"database": OWNER})
        role = settings.DATABASES[DEFAULT_DB_ALIAS]["USER"]
        grant_to_app_role(role=role)
        if options["verbosity"]:
            self.stdout.write(f"The app's role {role} may add to the audit log, never change it.")
