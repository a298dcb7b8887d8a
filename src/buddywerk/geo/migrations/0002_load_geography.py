from django.db import migrations


def load(apps, schema_editor):
    from buddywerk.geo.loader import load_geography

    load_geography(
        apps.get_model("geo", "Province"),
        apps.get_model("geo", "Municipality"),
        apps.get_model("geo", "Postcode"),
    )


class Migration(migrations.Migration):
    dependencies = [("geo", "0001_initial")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
