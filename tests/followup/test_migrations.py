"""The follow-up models moved from trajectories to followup without moving data (issue 12,
point 3): going back to the state before the move and forward again keeps every row, and
what pointed at the models by their app label (content types with their permissions and
admin log, audit events, queued mail tasks) follows them."""

import datetime as dt

import pytest
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from buddywerk.common.models import AuditEvent
from buddywerk.followup import services
from buddywerk.followup.models import (
    CheckIn,
    FollowUpAction,
    FollowUpReminder,
    Observation,
    ObservationCriterion,
    ObservationScore,
    RelationshipSurvey,
    TandemNote,
)
from buddywerk.trajectories import concern_services
from buddywerk.trajectories.models import Concern
from tests.factories import UserFactory
from tests.trajectories.factories import TrajectoryFactory, coordinator_of, school_staff_of

MOVED = (
    TandemNote,
    ObservationCriterion,
    Observation,
    ObservationScore,
    FollowUpAction,
    CheckIn,
    RelationshipSurvey,
    FollowUpReminder,
)
# Before the move: trajectories as it was, the followup app not migrated at all.
BEFORE = [("followup", None), ("trajectories", "0005_transition_log_kernel")]
OLD_TASK = "buddywerk.trajectories.followup_tasks.followup_mail_send"


def _migrate(targets):
    """Migrate the test database to `targets`; the models of that state."""
    MigrationExecutor(connection).migrate(targets)
    ContentType.objects.clear_cache()
    applied = [target for target in targets if target[1] is not None]
    return MigrationExecutor(connection).loader.project_state(applied).apps


def _latest():
    return MigrationExecutor(connection).loader.graph.leaf_nodes()


def _world():
    duo = TrajectoryFactory()
    coordinator = coordinator_of(duo)
    today = timezone.localdate()
    services.tandem_note_add(actor=duo.buddy.user, trajectory=duo, text="Het gaat goed.")
    criteria = services.observation_criteria_for(duo.programme)
    services.observation_record(
        actor=coordinator,
        trajectory=duo,
        observed_on=today,
        scores={c.pk: (3, "") for c in criteria},
        actions=[("Bel de school", today)],
    )
    services.checkin_record(actor=coordinator, trajectory=duo, date=today, channel="phone")
    services.survey_record(
        actor=school_staff_of(duo),
        trajectory=duo,
        respondent="participant",
        moment="day30",
        answers=[4, 4, 5, 3],
    )
    FollowUpReminder.objects.create(kind="checkin_due", key=str(duo.uuid), sent_on=today)
    concern_services.concern_raise(
        actor=duo.buddy.user, trajectory=duo, urgency="info", text="Moe."
    )
    return duo


def _queued(kind):
    return DBTaskResult.objects.create(
        task_path=OLD_TASK,
        args_kwargs={"args": [], "kwargs": {"kind": kind, "trajectory_uuid": "x"}},
        backend_name="default",
        run_after=timezone.now() + dt.timedelta(minutes=5),
        exception_class_path="",
        traceback="",
    )


@pytest.mark.django_db(transaction=True)
def test_back_to_before_the_move_and_forward_again_keeps_every_row_and_its_references():
    duo = _world()
    counts = {model._meta.model_name: model.objects.count() for model in MOVED}
    assert all(counts.values()), counts
    concerns = Concern.objects.count()
    observation = Observation.objects.get()
    admin = UserFactory()
    tandem_type = ContentType.objects.get_for_model(TandemNote)
    checkin_type = ContentType.objects.get_for_model(CheckIn)
    admin.user_permissions.add(
        Permission.objects.get(content_type=tandem_type, codename="view_tandemnote"),
        Permission.objects.get(content_type=checkin_type, codename="view_checkin"),
    )
    for content_type in (tandem_type, checkin_type):
        LogEntry.objects.create(
            user=admin,
            content_type=content_type,
            object_id="1",
            object_repr="x",
            action_flag=CHANGE,
        )
    try:
        old = _migrate(BEFORE)
        for name, count in counts.items():
            assert old.get_model("trajectories", name).objects.count() == count
        assert old.get_model("trajectories", "concern").objects.count() == concerns
        tandem_type.refresh_from_db()
        checkin_type.refresh_from_db()
        assert tandem_type.app_label == checkin_type.app_label == "trajectories"
        assert AuditEvent.objects.filter(
            object_type="trajectories.observation", object_id=str(observation.uuid)
        ).exists()
        urgent, note = _queued("urgent_concern"), _queued("tandem_note")
        # A migrate run that stopped after followup/0001 lets Django create the new content
        # type of a model before 0002 renames the old one: the two must merge.
        twin = ContentType.objects.create(app_label="followup", model="checkin")
        twin_view = Permission.objects.create(
            content_type=twin, codename="view_checkin", name="Can view check-in"
        )
    finally:
        _migrate(_latest())

    for model in MOVED:
        assert model.objects.count() == counts[model._meta.model_name]
    assert Concern.objects.count() == concerns
    assert Observation.objects.get().scores.count() == observation.scores.count()
    # The renamed content type keeps its row, its permissions and its log entries.
    tandem_type.refresh_from_db()
    assert (tandem_type.app_label, tandem_type.model) == ("followup", "tandemnote")
    assert admin.has_perm("followup.view_tandemnote")
    assert LogEntry.objects.filter(content_type=tandem_type).count() == 1
    # The merged one: the old row is gone, its grant and log entry moved onto the new row.
    assert not ContentType.objects.filter(pk=checkin_type.pk).exists()
    assert ContentType.objects.get_for_model(CheckIn) == twin
    assert list(admin.user_permissions.filter(content_type=twin)) == [twin_view]
    assert LogEntry.objects.filter(content_type=twin).count() == 1
    assert not ContentType.objects.filter(app_label="trajectories", model__in=counts).exists()
    # Audit events and queued mail follow the models.
    assert AuditEvent.objects.filter(
        object_type="followup.observation", object_id=str(observation.uuid)
    ).exists()
    assert not AuditEvent.objects.filter(object_type__startswith="trajectories.observation")
    urgent.refresh_from_db()
    note.refresh_from_db()
    assert urgent.task_path == "buddywerk.trajectories.tasks.concern_mail_send"
    assert note.task_path == "buddywerk.followup.tasks.followup_mail_send"
    assert duo.tandem_notes.count() == 1
