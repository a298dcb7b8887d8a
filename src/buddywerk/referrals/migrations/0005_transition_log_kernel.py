# The referral log becomes the kernel's TransitionLog: every row is kept, and rows written
# before the kernel get the name of the transition they recorded.

from django.db import migrations, models


# (from, to) -> transition name, as in referrals/workflow.py when the kernel came.
NAMES = {
    ("draft", "submitted"): "submit",
    ("submitted", "accepted"): "accept",
    ("waiting", "accepted"): "accept",
    ("submitted", "waiting"): "wait",
    ("submitted", "declined"): "decline",
    ("waiting", "declined"): "decline",
    ("accepted", "matched"): "match",
    ("matched", "accepted"): "requeue",
    ("matched", "closed"): "close",
}


def name_old_rows(apps, schema_editor):
    log = apps.get_model("referrals", "ReferralTransition")
    for (source, target), name in NAMES.items():
        log.objects.filter(from_status=source, to_status=target, transition="").update(
            transition=name
        )
    log.objects.filter(to_status="withdrawn", transition="").update(transition="withdraw")


class Migration(migrations.Migration):

    dependencies = [
        ('referrals', '0004_neutral_admin_log'),
    ]

    operations = [
        migrations.AddField(
            model_name='referraltransition',
            name='transition',
            field=models.CharField(blank=True, help_text='The name of the step in the state machine; empty when created.', max_length=40, verbose_name='transition'),
        ),
        migrations.AlterField(
            model_name='referraltransition',
            name='from_status',
            field=models.CharField(blank=True, max_length=20, verbose_name='from'),
        ),
        migrations.AlterField(
            model_name='referraltransition',
            name='to_status',
            field=models.CharField(max_length=20, verbose_name='to'),
        ),
        migrations.RunPython(name_old_rows, migrations.RunPython.noop),
    ]
