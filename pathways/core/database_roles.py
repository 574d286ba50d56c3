"""Two PostgreSQL roles: the owner, which migrations run as, and the app's role, which the
web server and workers connect as. The app's role reads and writes rows, and may only add to
the audit log: it cannot UPDATE, DELETE or TRUNCATE it, and not owning any table it cannot
ALTER one or DISABLE its triggers. `pathways migrate` grants this after each migration when
PATHWAYS_MIGRATE_DATABASE_URL names the owner."""

from __future__ import annotations

from django.db import connections
from psycopg import sql

OWNER = "owner"
APPEND_ONLY_TABLES = ("audit_auditevent", "audit_auditseal")


def grant_to_app_role(*, role: str, using: str = OWNER) -> None:
    """Give `role` what the app needs on every table and sequence, the audit log append-only."""
    role_name = sql.Identifier(role)
    statements = [
        sql.SQL("GRANT USAGE ON SCHEMA public TO {}").format(role_name),
        sql.SQL("GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO {}").format(
            role_name
        ),
        sql.SQL("GRANT USAGE, SELECT, UPDATE ON ALL SEQUENCES IN SCHEMA public TO {}").format(
            role_name
        ),
        *(
            sql.SQL("REVOKE UPDATE, DELETE, TRUNCATE ON {} FROM {}").format(
                sql.Identifier(table), role_name
            )
            for table in APPEND_ONLY_TABLES
        ),
    ]
    with connections[using].cursor() as cursor:
        for statement in statements:
            cursor.execute(statement)


def app_role_owns_tables(using: str = "default") -> bool:
    """Whether the app connects as the role that owns the audit log (so it could rewrite it)."""
    connection = connections[using]
    if connection.vendor != "postgresql":
        return False
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT tableowner = current_user FROM pg_tables WHERE tablename = %s",
            [APPEND_ONLY_TABLES[0]],
        )
        row = cursor.fetchone()
    return bool(row and row[0])
