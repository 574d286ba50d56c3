"""Households created before statuses existed get theirs from their dates."""

from django.db import migrations


def statuses_from_dates(apps, schema_editor):
    Household = apps.get_model("households", "Household")
    Household.objects.filter(start_date__isnull=False, end_date__isnull=True).update(
        status="started"
    )
    Household.objects.filter(end_date__isnull=False).update(status="ended")


class Migration(migrations.Migration):
    dependencies = [("households", "0002_allocation_consent_referral_timelineentry_and_more")]
    operations = [migrations.RunPython(statuses_from_dates, migrations.RunPython.noop)]
