"""Reminders of the follow-up on a fake clock: a check-in due in a duo's first two weeks,
open follow-up actions past due; each goes out once, after commit."""

import datetime as dt
from io import StringIO

import pytest
from django.core import mail
from django.core.management import call_command

from buddywerk.followup import services as fs
from buddywerk.followup.models import FollowUpReminder
from tests.trajectories.factories import TrajectoryFactory, coordinator_of

pytestmark = pytest.mark.django_db

START = dt.date(2026, 3, 2)


def test_checkin_reminder_in_the_first_two_weeks_once(django_capture_on_commit_callbacks):
    duo = TrajectoryFactory(planned_start=START)
    coordinator = coordinator_of(duo)
    with django_capture_on_commit_callbacks(execute=True):
        assert fs.followup_reminders(today=START + dt.timedelta(days=6))["checkin_due"] == 0
        assert fs.followup_reminders(today=START + dt.timedelta(days=8))["checkin_due"] == 1
        assert fs.followup_reminders(today=START + dt.timedelta(days=9))["checkin_due"] == 0
    assert [m.to for m in mail.outbox] == [[coordinator.email]]
    pupil = duo.participants.get().pupil
    assert pupil.first_name not in mail.outbox[0].subject


def test_no_checkin_reminder_once_a_checkin_is_recorded():
    duo = TrajectoryFactory(planned_start=START)
    fs.checkin_record(
        actor=coordinator_of(duo),
        trajectory=duo,
        date=START + dt.timedelta(days=2),
        channel="phone",
        today=START + dt.timedelta(days=2),
    )
    assert fs.followup_reminders(today=START + dt.timedelta(days=8))["checkin_due"] == 0


def test_an_overdue_action_reminds_its_owner_once(django_capture_on_commit_callbacks):
    duo = TrajectoryFactory(planned_start=START - dt.timedelta(days=60))
    coordinator = coordinator_of(duo)
    criteria = fs.observation_criteria_for(duo.programme)
    fs.observation_record(
        actor=coordinator,
        trajectory=duo,
        observed_on=START,
        scores={c.pk: (3, "") for c in criteria},
        actions=[("Bel de school", START + dt.timedelta(days=5))],
        today=START,
    )
    with django_capture_on_commit_callbacks(execute=True):
        assert fs.followup_reminders(today=START + dt.timedelta(days=5))["action_overdue"] == 0
        assert fs.followup_reminders(today=START + dt.timedelta(days=6))["action_overdue"] == 1
        assert fs.followup_reminders(today=START + dt.timedelta(days=7))["action_overdue"] == 0
    assert [m.to for m in mail.outbox] == [[coordinator.email]]
    assert FollowUpReminder.objects.filter(kind="action_overdue").count() == 1


def test_a_done_action_is_not_reminded():
    duo = TrajectoryFactory(planned_start=START - dt.timedelta(days=60))
    coordinator = coordinator_of(duo)
    criteria = fs.observation_criteria_for(duo.programme)
    observation = fs.observation_record(
        actor=coordinator,
        trajectory=duo,
        observed_on=START,
        scores={c.pk: (3, "") for c in criteria},
        actions=[("Bel de school", START)],
        today=START,
    )
    fs.action_done(actor=coordinator, action=observation.actions.get())
    assert fs.followup_reminders(today=START + dt.timedelta(days=9))["action_overdue"] == 0


def test_the_command_takes_a_fake_today():
    duo = TrajectoryFactory(planned_start=START)
    coordinator_of(duo)
    out = StringIO()
    call_command("followup_reminders", "--today", "2026-03-10", stdout=out)
    assert "1 check-in reminder(s)" in out.getvalue()


def test_the_worker_task_runs_the_same_reminders():
    from buddywerk.followup.tasks import followup_reminders_run

    duo = TrajectoryFactory(planned_start=START)
    coordinator_of(duo)
    result = followup_reminders_run.enqueue(today="2026-03-10")
    assert result.return_value == {
        "escalated": 0,
        "escalated_region": 0,
        "checkin_due": 1,
        "action_overdue": 0,
    }
