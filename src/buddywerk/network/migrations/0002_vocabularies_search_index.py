"""The facet lists of the practice database [004], and on PostgreSQL the GIN index of the
Dutch full-text search (SQLite has no tsvector and searches its stems instead)."""

from django.db import migrations

CATEGORIES = [
    ("inclusieve-vrije-tijd", "Inclusieve vrije tijd"),
    ("ontmoeting-participatie", "Ontmoeting & participatie"),
    ("taalbeleid", "Taalbeleid"),
    ("schoolbuddy", "Schoolbuddy's"),
    ("gezinsbuddy", "Gezinsbuddy's"),
    ("huiswerkbegeleiding", "Huiswerk- en studiebegeleiding"),
    ("tutoraat", "Tutoraat door studenten"),
    ("nieuwkomers", "Onthaal van nieuwkomers"),
]
DOMAINS = [
    ("sociaal-beleid", "Sociaal beleid"),
    ("taalbeleid", "Taalbeleid"),
    ("vrije-tijd", "Vrije tijd"),
    ("vrijwilligerswerk", "Vrijwilligerswerk"),
    ("onderwijs", "Onderwijs"),
]
TARGET_GROUPS = [
    ("basisonderwijs", "Leerlingen basisonderwijs"),
    ("secundair-onderwijs", "Leerlingen secundair onderwijs"),
    ("gezinnen", "Gezinnen"),
    ("nieuwkomers", "Nieuwkomers"),
    ("jongeren", "Jongeren"),
]


def seed(apps, schema_editor):
    for model, rows in (
        ("PracticeCategory", CATEGORIES),
        ("PolicyDomain", DOMAINS),
        ("TargetGroup", TARGET_GROUPS),
    ):
        Model = apps.get_model("network", model)
        for position, (slug, name) in enumerate(rows):
            Model.objects.get_or_create(slug=slug, defaults={"name": name, "position": position})


def create_gin_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            "CREATE INDEX IF NOT EXISTS network_practice_search_gin "
            "ON network_practice USING gin (search_vector)"
        )


def drop_gin_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP INDEX IF EXISTS network_practice_search_gin")


class Migration(migrations.Migration):
    dependencies = [("network", "0001_initial")]

    operations = [
        migrations.RunPython(seed, migrations.RunPython.noop),
        migrations.RunPython(create_gin_index, drop_gin_index),
    ]
