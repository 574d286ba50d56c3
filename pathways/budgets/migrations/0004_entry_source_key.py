"""Which imported row an entry stands for. Adding a column makes SQLite rebuild the table, which
drops its triggers: the append-only trigger is put back (any later change to budgets_entry must
do the same; test_the_ledger_cannot_be_edited_or_deleted checks it)."""

from django.db import migrations, models

SQLITE = """
CREATE TRIGGER IF NOT EXISTS budget_entry_append_only BEFORE UPDATE ON budgets_entry
BEGIN
    SELECT RAISE(ABORT, 'the budget ledger is append-only');
END;
"""


def restore_sqlite_trigger(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        schema_editor.execute(SQLITE)


class Migration(migrations.Migration):
    dependencies = [
        ("budgets", "0003_receipts"),
    ]

    operations = [
        migrations.AddField(
            model_name="entry",
            name="source_key",
            field=models.CharField(blank=True, db_index=True, max_length=200),
        ),
        migrations.RunPython(restore_sqlite_trigger, migrations.RunPython.noop),
    ]
