"""The database refuses to change ledger entries: UPDATE or DELETE on PostgreSQL, UPDATE on
SQLite (whose test flush deletes rows; the model and queryset refuse deletes everywhere)."""

from django.db import migrations

POSTGRES = """
CREATE OR REPLACE FUNCTION budget_entry_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'the budget ledger is append-only';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER budget_entry_append_only
    BEFORE UPDATE OR DELETE ON budgets_entry
    FOR EACH ROW EXECUTE FUNCTION budget_entry_append_only();
"""
SQLITE = """
CREATE TRIGGER budget_entry_append_only BEFORE UPDATE ON budgets_entry
BEGIN
    SELECT RAISE(ABORT, 'the budget ledger is append-only');
END;
"""


def forwards(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(POSTGRES)
    elif vendor == "sqlite":
        schema_editor.execute(SQLITE)


def backwards(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute("DROP TRIGGER IF EXISTS budget_entry_append_only ON budgets_entry")
        schema_editor.execute("DROP FUNCTION IF EXISTS budget_entry_append_only()")
    elif vendor == "sqlite":
        schema_editor.execute("DROP TRIGGER IF EXISTS budget_entry_append_only")


class Migration(migrations.Migration):
    dependencies = [("budgets", "0001_initial")]
    operations = [migrations.RunPython(forwards, backwards)]
