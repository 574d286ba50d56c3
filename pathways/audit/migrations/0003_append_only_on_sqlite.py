"""On SQLite too, the database refuses UPDATE and DELETE on the audit log.

SQLite has no roles: a trigger is what stops the app's own connection (or a slip at a SQL
prompt) from changing an event. The trigger calls a function that only Pathways' connections
define (audit/apps.py), which answers "locked" except while a test database is emptied
between tests; a connection without it (the sqlite3 prompt) cannot change the log either.
"""

from django.db import migrations

CREATE = [
    """
    CREATE TRIGGER audit_event_no_update BEFORE UPDATE ON audit_auditevent
    WHEN NOT pathways_audit_unlocked()
    BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END
    """,
    """
    CREATE TRIGGER audit_event_no_delete BEFORE DELETE ON audit_auditevent
    WHEN NOT pathways_audit_unlocked()
    BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END
    """,
]
DROP = [
    "DROP TRIGGER IF EXISTS audit_event_no_update",
    "DROP TRIGGER IF EXISTS audit_event_no_delete",
]


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        for statement in CREATE:
            schema_editor.execute(statement)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        for statement in DROP:
            schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [("audit", "0002_append_only_trigger")]
    operations = [migrations.RunPython(forwards, backwards)]
