# The log becomes the kernel's TransitionLog (common/models.py): every row is kept, and rows
# written before the kernel get the name of the transition they recorded.

import django.core.validators
import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models


# (from, to) -> transition name, as in workflow.py when the kernel came ("*": any source).
NAMES = {
    ("applied", "approved"): "approve",
    ("*", "declined"): "decline",
    ("declined", "applied"): "reopen",
}


def name_old_rows(apps, schema_editor):
    log = apps.get_model("buddies", "BuddyStatusChange")
    for (source, target), name in NAMES.items():
        rows = log.objects.filter(to_status=target, transition="").exclude(from_status="")
        if source != "*":
            rows = rows.filter(from_status=source)
        rows.update(transition=name)


class Migration(migrations.Migration):

    dependencies = [
        ('buddies', '0004_import_heartbeat'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name='buddystatuschange',
            name='transition',
            field=models.CharField(blank=True, help_text='The name of the step in the state machine; empty when created.', max_length=40, verbose_name='transition'),
        ),
        migrations.AlterField(
            model_name='buddystatuschange',
            name='actor',
            field=models.ForeignKey(blank=True, help_text='Empty when the system made the change.', null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='by'),
        ),
        migrations.AlterField(
            model_name='buddystatuschange',
            name='at',
            field=models.DateTimeField(default=django.utils.timezone.now, verbose_name='time'),
        ),
        migrations.AlterField(
            model_name='buddystatuschange',
            name='from_status',
            field=models.CharField(blank=True, max_length=20, verbose_name='from'),
        ),
        migrations.AlterField(
            model_name='buddystatuschange',
            name='reason',
            field=models.TextField(blank=True, max_length=1000, validators=[django.core.validators.MaxLengthValidator(1000)], verbose_name='reason'),
        ),
        migrations.AlterField(
            model_name='buddystatuschange',
            name='to_status',
            field=models.CharField(max_length=20, verbose_name='to'),
        ),
        migrations.RunPython(name_old_rows, migrations.RunPython.noop),
    ]
