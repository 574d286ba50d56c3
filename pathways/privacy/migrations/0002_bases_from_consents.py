"""People who consented to a privacy notice before these records existed get the bases that
notice states (as privacy.services.NOTICE_BASES does for new consents), dated as the consent."""

from django.db import migrations

NOTICE_BASES = {
    "delivery": ("public_task", "employment_social_protection"),
    "funder": ("public_task", "employment_social_protection"),
    "evaluation": ("public_task", "research_statistics"),
}


def forwards(apps, schema_editor):  # type: ignore[no-untyped-def]
    Consent = apps.get_model("households", "Consent")
    ProcessingRecord = apps.get_model("privacy", "ProcessingRecord")
    latest = {}
    for consent in Consent.objects.order_by("person_id", "given_on", "id").iterator():
        latest[consent.person_id] = consent
    ProcessingRecord.objects.bulk_create(
        [
            ProcessingRecord(
                person_id=person_id,
                purpose=purpose,
                lawful_basis=basis,
                special_condition=condition,
                given_on=consent.given_on,
                notice_version=consent.notice_version,
                recorded_by_id=consent.recorded_by_id,
                recorded_at=consent.recorded_at,
            )
            for person_id, consent in latest.items()
            for purpose, (basis, condition) in NOTICE_BASES.items()
        ],
        batch_size=5000,
    )


class Migration(migrations.Migration):
    dependencies = [("privacy", "0001_initial"), ("households", "0006_edit_versions")]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
