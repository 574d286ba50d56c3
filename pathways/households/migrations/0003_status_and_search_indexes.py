"""Households created before statuses existed get theirs from their dates; on PostgreSQL,
prefix searches on names and postcodes get indexes LIKE 'abc%' can use whatever the
database's collation (SQLite's LIKE is served by the plain indexes)."""

from django.db import migrations

PATTERN_INDEXES = [
    ("person_family_key_like", "households_person", "family_key"),
    ("person_given_key_like", "households_person", "given_key"),
    ("household_postcode_key_like", "households_household", "postcode_key"),
]


def statuses_from_dates(apps, schema_editor):
    Household = apps.get_model("households", "Household")
    Household.objects.filter(start_date__isnull=False, end_date__isnull=True).update(
        status="started"
    )
    Household.objects.filter(end_date__isnull=False).update(status="ended")


def add_pattern_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, table, column in PATTERN_INDEXES:
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {name} ON {table} ({column} varchar_pattern_ops)"
        )


def drop_pattern_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, _table, _column in PATTERN_INDEXES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [("households", "0002_allocation_consent_referral_timelineentry_and_more")]
    operations = [
        migrations.RunPython(statuses_from_dates, migrations.RunPython.noop),
        migrations.RunPython(add_pattern_indexes, drop_pattern_indexes),
    ]
