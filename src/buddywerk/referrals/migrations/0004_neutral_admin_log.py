"""The admin's change log (LogEntry.object_repr) stored str(obj): a pupil's full name, a
family contact's name. The admin now stores a neutral label (access.admin.neutral_label:
the kind and the UUID); this rewrites the entries written before (issue 11, point 3)."""

from django.db import migrations
from django.utils.text import capfirst


def neutral_object_reprs(apps, schema_editor):
    LogEntry = apps.get_model("admin", "LogEntry")
    ContentType = apps.get_model("contenttypes", "ContentType")
    for model_name in ("pupil", "family"):
        content_type = ContentType.objects.filter(app_label="referrals", model=model_name).first()
        if content_type is None:
            continue
        model = apps.get_model("referrals", model_name)
        label = capfirst(str(model._meta.verbose_name))
        entries = list(LogEntry.objects.filter(content_type=content_type).only("object_id"))
        ids = {int(e.object_id) for e in entries if str(e.object_id or "").isdigit()}
        uuids = {str(pk): uuid for pk, uuid in model.objects.filter(pk__in=ids).values_list("pk", "uuid")}
        for entry in entries:
            entry.object_repr = f"{label} {uuids.get(str(entry.object_id), entry.object_id)}"
        LogEntry.objects.bulk_update(entries, ["object_repr"], batch_size=500)


class Migration(migrations.Migration):
    dependencies = [
        ("referrals", "0003_text_lengths"),
        ("admin", "0003_logentry_add_action_flag_choices"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(neutral_object_reprs, migrations.RunPython.noop)]
