"""Local authorities next to the Liverpool City Region, so that a referral from just outside
the programme area is recorded as such ("Warrington is outside the programme area")."""

from django.db import migrations

NEIGHBOURS = [
    ("E06000007", "Warrington"),
    ("E06000049", "Cheshire East"),
    ("E06000050", "Cheshire West and Chester"),
    ("E07000118", "Chorley"),
    ("E07000126", "South Ribble"),
    ("E07000127", "West Lancashire"),
    ("E08000010", "Wigan"),
]


def add_neighbours(apps, schema_editor):
    LocalAuthority = apps.get_model("areas", "LocalAuthority")
    for code, name in NEIGHBOURS:
        LocalAuthority.objects.update_or_create(
            code=code, defaults={"name": name, "region": "North West"}
        )


def remove_neighbours(apps, schema_editor):
    LocalAuthority = apps.get_model("areas", "LocalAuthority")
    LocalAuthority.objects.filter(code__in=[c for c, _ in NEIGHBOURS]).delete()


class Migration(migrations.Migration):
    dependencies = [("areas", "0002_liverpool_city_region")]
    operations = [migrations.RunPython(add_neighbours, remove_neighbours)]
