"""The six Liverpool City Region local authorities (ONS codes, 2019 names)."""

from django.db import migrations

LCR = [
    ("E06000006", "Halton"),
    ("E08000011", "Knowsley"),
    ("E08000012", "Liverpool"),
    ("E08000013", "St Helens"),
    ("E08000014", "Sefton"),
    ("E08000015", "Wirral"),
]


def add_lcr(apps, schema_editor):
    LocalAuthority = apps.get_model("areas", "LocalAuthority")
    for code, name in LCR:
        LocalAuthority.objects.update_or_create(
            code=code, defaults={"name": name, "region": "Liverpool City Region"}
        )


def remove_lcr(apps, schema_editor):
    apps.get_model("areas", "LocalAuthority").objects.filter(code__in=[c for c, _ in LCR]).delete()


class Migration(migrations.Migration):
    dependencies = [("areas", "0001_initial")]
    operations = [migrations.RunPython(add_lcr, remove_lcr)]
