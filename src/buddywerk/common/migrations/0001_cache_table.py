"""The database cache table (settings.CACHES): throttling counts of sign-ins and public
forms live there, shared by every web worker. Created by `migrate`, so a deployment cannot
forget `createcachetable` (it is idempotent: an existing table is left as it is)."""

from django.core.management import call_command
from django.db import migrations


def create_cache_table(apps, schema_editor):
    call_command("createcachetable", database=schema_editor.connection.alias, verbosity=0)


class Migration(migrations.Migration):
    dependencies = []

    operations = [migrations.RunPython(create_cache_table, migrations.RunPython.noop)]
