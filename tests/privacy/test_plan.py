"""Issue 15 point 7: the dry run counts, per kind, what the purge would do and when, and
changes nothing; the command and the platform admin's page show it."""

import datetime as dt
from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from buddywerk.common.audit import AuditAction
from buddywerk.common.models import AuditEvent
from buddywerk.mail.models import OutgoingMail
from buddywerk.privacy import purge
from buddywerk.privacy.plan import purge_plan
from buddywerk.privacy.schedule import SCHEDULE, DataKind
from buddywerk.trajectories.models import Meeting, Trajectory, WellbeingScore
from tests.network.test_practices import platform_admin
from tests.trajectories.factories import TrajectoryFactory

pytestmark = pytest.mark.django_db


def _at(day, hour=3):
    return dt.datetime.combine(day, dt.time(hour), tzinfo=timezone.get_current_timezone())


def _rows(now):
    return {row.rule.kind: row for row in purge_plan(now=now)}


def test_the_plan_counts_what_the_run_then_does_and_when():
    duo = TrajectoryFactory(closed=True)
    closed = duo.closed_on
    due = closed + dt.timedelta(days=360)
    followup = (
        Meeting.objects.filter(trajectory=duo).count()
        + WellbeingScore.objects.filter(trajectory=duo).count()
    )

    early = _rows(_at(due - dt.timedelta(days=40)))
    assert [row.rule for row in early.values()] == list(SCHEDULE)
    assert (early[DataKind.PARTICIPANT].now, early[DataKind.PARTICIPANT].soon) == (0, 0)
    assert early[DataKind.PARTICIPANT].next_day == due

    soon = _rows(_at(due - dt.timedelta(days=1)))
    # One pupil and one referral; the duo's meetings and scores with them.
    assert (soon[DataKind.PARTICIPANT].now, soon[DataKind.PARTICIPANT].soon) == (0, 2)
    assert soon[DataKind.FOLLOWUP].soon == followup
    assert soon[DataKind.INACTIVE_ACCOUNT].acted and soon[DataKind.STAFF_ACCOUNT].acted
    assert soon[DataKind.DECLINED_BUDDY].acted and soon[DataKind.EXTRACT_FACT].acted

    plan = _rows(_at(due))
    assert plan[DataKind.PARTICIPANT].now == 2
    assert plan[DataKind.FOLLOWUP].now == followup
    assert Trajectory.objects.filter(pk=duo.pk).exists()  # the plan changed nothing

    counts = purge.privacy_purge(now=_at(due))
    assert counts.participants.pupils + counts.participants.referrals == 2
    assert counts.participants.meetings + counts.participants.scores == followup
    after = _rows(_at(due))
    assert after[DataKind.PARTICIPANT].now == 0


def test_the_plan_of_sent_mail_says_when_the_text_goes():
    sent = _at(dt.date(2026, 2, 1), 12)
    OutgoingMail.objects.create(
        to="a@example.invalid",
        from_email="b@example.invalid",
        subject="S",
        body="T",
        sent_at=sent,
        next_attempt_at=sent,
    )
    row = _rows(sent + dt.timedelta(days=10))[DataKind.MAIL_BODY]
    assert (row.now, row.soon, row.next_day) == (0, 1, dt.date(2026, 3, 3))
    assert _rows(sent + dt.timedelta(days=31))[DataKind.MAIL_BODY].now == 1


def test_the_command_dry_run_prints_the_plan_and_changes_nothing():
    TrajectoryFactory(closed=True)
    out = StringIO()
    call_command("privacy", "--dry-run", stdout=out)
    text = out.getvalue()
    assert "A pupil's or family's data and their referrals" in text
    # Every kind of the schedule is acted on now, the buddies' kinds too.
    assert "The fact that a buddy's criminal-record extract was seen" in text
    assert "not purged automatically" not in text
    assert not AuditEvent.objects.filter(action=AuditAction.PRIVACY_PURGE).exists()
    out = StringIO()
    call_command("privacy", stdout=out)
    assert "pupils: 0" in out.getvalue()
    assert AuditEvent.objects.filter(action=AuditAction.PRIVACY_PURGE).count() == 1
    out = StringIO()
    call_command("privacy", stdout=out)
    assert "has run already" in out.getvalue()


def test_the_platform_admins_page_shows_the_plan_and_the_last_runs(client):
    admin = platform_admin()
    purge.privacy_purge(now=timezone.now())
    client.force_login(admin)
    response = client.get(reverse("privacy:purge"))
    assert response.status_code == 200
    text = response.content.decode()
    assert "Opruimen van gegevens na hun bewaartermijn" in text
    assert response.context["runs"]
    assert [row.rule for row in response.context["rows"]] == list(SCHEDULE)
