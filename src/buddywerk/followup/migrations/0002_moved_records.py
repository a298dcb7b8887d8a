# What pointed at the follow-up models by their old app label follows them to "followup",
# so nothing is lost or orphaned by the move (0001_initial):
# - content types: permissions granted on the models and the admin's log entries point at
#   their content type row, which is renamed (not recreated);
# - audit events name their target as "<app_label>.<model>": the moved models' events are
#   renamed too, so "what happened to this kijkwijzer?" stays one query;
# - mail tasks still waiting in the queue name the old module: they are pointed at the
#   follow-up's task, or at trajectories' concern task for the concern mails.
# On a fresh database there is nothing to rename (content types are created after migrate).

from django.conf import settings
from django.db import migrations

MOVED = (
    "tandemnote",
    "observationcriterion",
    "observation",
    "observationscore",
    "followupaction",
    "checkin",
    "relationshipsurvey",
    "followupreminder",
)
OLD_TASKS = "buddywerk.trajectories.followup_tasks."
NEW_TASKS = "buddywerk.followup.tasks."
CONCERN_TASK = "buddywerk.trajectories.tasks.concern_mail_send"
CONCERN_MAILS = frozenset({"urgent_concern", "concern_escalated"})


def _move_content_types(apps, db, source, target):
    ContentType = apps.get_model("contenttypes", "ContentType")
    Permission = apps.get_model("auth", "Permission")
    LogEntry = apps.get_model("admin", "LogEntry")
    types = ContentType.objects.using(db)
    for model in MOVED:
        old = types.filter(app_label=source, model=model).first()
        if old is None:
            continue
        new = types.filter(app_label=target, model=model).first()
        if new is None:
            old.app_label = target
            old.save(update_fields=["app_label"])
            continue
        # Both rows exist (a migrate stopped between 0001 and here created the new one):
        # keep the new row and move every grant and log entry of the old one onto it.
        for permission in Permission.objects.using(db).filter(content_type=old):
            twin = Permission.objects.using(db).filter(
                content_type=new, codename=permission.codename
            ).first()
            if twin is None:
                permission.content_type = new
                permission.save(update_fields=["content_type"])
                continue
            twin.group_set.add(*permission.group_set.all())
            twin.user_set.add(*permission.user_set.all())
            permission.delete()
        LogEntry.objects.using(db).filter(content_type=old).update(content_type=new)
        old.delete()


def _move_audit_events(apps, db, source, target):
    AuditEvent = apps.get_model("common", "AuditEvent")
    for model in MOVED:
        AuditEvent.objects.using(db).filter(object_type=f"{source}.{model}").update(
            object_type=f"{target}.{model}"
        )


def _queued(apps, db):
    DBTaskResult = apps.get_model("django_tasks_database", "DBTaskResult")
    return DBTaskResult.objects.using(db).filter(status="READY")


def forwards(apps, schema_editor):
    db = schema_editor.connection.alias
    _move_content_types(apps, db, "trajectories", "followup")
    _move_audit_events(apps, db, "trajectories", "followup")
    for result in _queued(apps, db).filter(task_path__startswith=OLD_TASKS):
        name = result.task_path.removeprefix(OLD_TASKS)
        kind = (result.args_kwargs.get("kwargs") or {}).get("kind")
        if name == "followup_mail_send" and kind in CONCERN_MAILS:
            result.task_path = CONCERN_TASK
        else:
            result.task_path = NEW_TASKS + name
        result.save(update_fields=["task_path"])


def backwards(apps, schema_editor):
    db = schema_editor.connection.alias
    _move_content_types(apps, db, "followup", "trajectories")
    _move_audit_events(apps, db, "followup", "trajectories")
    queued = _queued(apps, db)
    for result in queued.filter(task_path__startswith=NEW_TASKS):
        result.task_path = OLD_TASKS + result.task_path.removeprefix(NEW_TASKS)
        result.save(update_fields=["task_path"])
    for result in queued.filter(task_path=CONCERN_TASK):
        result.task_path = OLD_TASKS + "followup_mail_send"
        result.save(update_fields=["task_path"])


class Migration(migrations.Migration):
    dependencies = [
        ("followup", "0001_initial"),
        ("trajectories", "0006_followup_moved_out"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("admin", "0003_logentry_add_action_flag_choices"),
        ("common", "0002_auditevent"),
        ("django_tasks_database", "0021_conditional_partial_index_ordering"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
