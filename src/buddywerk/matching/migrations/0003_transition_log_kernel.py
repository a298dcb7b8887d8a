# The log becomes the kernel's TransitionLog (common/models.py): every row is kept, and rows
# written before the kernel get the name of the transition they recorded.

import django.core.validators
from django.db import migrations, models


# (from, to) -> transition name, as in workflow.py when the kernel came ("*": any source).
NAMES = {
    ("pending", "accepted"): "accept",
    ("pending", "declined"): "decline",
    ("accepted", "confirmed"): "confirm",
    ("accepted", "refused"): "refuse",
    ("*", "expired"): "expire",
}


def name_old_rows(apps, schema_editor):
    log = apps.get_model("matching", "ProposalTransition")
    for (source, target), name in NAMES.items():
        rows = log.objects.filter(to_status=target, transition="").exclude(from_status="")
        if source != "*":
            rows = rows.filter(from_status=source)
        rows.update(transition=name)


class Migration(migrations.Migration):

    dependencies = [
        ('matching', '0002_input_version'),
    ]

    operations = [
        migrations.AddField(
            model_name='proposaltransition',
            name='transition',
            field=models.CharField(blank=True, help_text='The name of the step in the state machine; empty when created.', max_length=40, verbose_name='transition'),
        ),
        migrations.AlterField(
            model_name='proposaltransition',
            name='from_status',
            field=models.CharField(blank=True, max_length=20, verbose_name='from'),
        ),
        migrations.AlterField(
            model_name='proposaltransition',
            name='reason',
            field=models.TextField(blank=True, max_length=1000, validators=[django.core.validators.MaxLengthValidator(1000)], verbose_name='reason'),
        ),
        migrations.AlterField(
            model_name='proposaltransition',
            name='to_status',
            field=models.CharField(max_length=20, verbose_name='to'),
        ),
        migrations.RunPython(name_old_rows, migrations.RunPython.noop),
    ]
