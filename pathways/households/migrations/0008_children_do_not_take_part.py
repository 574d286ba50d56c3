"""A child never takes part (households.participation): children marked as taking part, which
the member form and the importer used to store, are marked as not taking part. (They never
counted in an outcome or a report; they were only asked for consent and due star readings.)"""

from django.db import migrations


def children_do_not_take_part(apps, schema_editor):
    Person = apps.get_model("households", "Person")
    Person.objects.filter(role="child", participant=True).update(participant=False)


class Migration(migrations.Migration):
    dependencies = [("households", "0007_anonymised_at")]
    operations = [migrations.RunPython(children_do_not_take_part, migrations.RunPython.noop)]
