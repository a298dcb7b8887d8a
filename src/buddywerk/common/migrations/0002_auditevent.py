# The audit trail moved from the access app to the kernel in common: same table, state only.

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("access", "0001_initial"),
        ("common", "0001_cache_table"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="AuditEvent",
                    fields=[
                        ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                        ("action", models.CharField(db_index=True, max_length=60, verbose_name="action")),
                        ("object_type", models.CharField(max_length=60, verbose_name="object type")),
                        ("object_id", models.CharField(max_length=64, verbose_name="object id")),
                        ("at", models.DateTimeField(auto_now_add=True, db_index=True, verbose_name="time")),
                        ("request_id", models.CharField(blank=True, max_length=32, verbose_name="request id")),
                        ("detail", models.JSONField(blank=True, default=dict, verbose_name="detail")),
                        ("actor", models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name="+", to=settings.AUTH_USER_MODEL, verbose_name="actor")),
                    ],
                    options={
                        "verbose_name": "audit event",
                        "verbose_name_plural": "audit events",
                        "db_table": "access_auditevent",
                        "ordering": ["-at", "-id"],
                        "indexes": [models.Index(fields=["object_type", "object_id"], name="access_audi_object__5feefe_idx")],
                    },
                ),
            ],
            database_operations=[],
        ),
    ]
