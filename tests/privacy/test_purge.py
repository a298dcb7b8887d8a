"""Issue 15 point 3: the daily purge acts on the retention schedule, with a fake clock
across each boundary (the last day kept, and the next). Runs on SQLite and PostgreSQL."""

import datetime as dt

import pytest
from django.core.files.base import ContentFile
from django.utils import timezone

from buddywerk.common.audit import AuditAction, audit_record
from buddywerk.common.models import AuditEvent
from buddywerk.common.scheduler import run_scheduled
from buddywerk.mail.models import OutgoingMail
from buddywerk.network import services as network_services
from buddywerk.privacy import purge
from buddywerk.privacy.archive_models import ArchivedDuo, ArchivedPerson, ArchivedReferral
from buddywerk.privacy.models import RetentionOverride
from buddywerk.privacy.schedule import DataKind
from buddywerk.referrals import consent_services
from buddywerk.referrals.models import ConsentWithdrawal, Pupil, Referral
from buddywerk.trajectories import concern_services
from buddywerk.trajectories import services as duo_services
from buddywerk.trajectories.enums import ConcernOutcome, TrajectoryStatus
from buddywerk.trajectories.models import Concern, Meeting, Trajectory
from tests.network.factories import PracticeSubmissionFactory
from tests.network.test_practices import platform_admin, png
from tests.trajectories.factories import TrajectoryFactory, coordinator_of

pytestmark = pytest.mark.django_db


def _at(day: dt.date, hour: int = 3) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour), tzinfo=timezone.get_current_timezone())


def _end_of(duo: Trajectory) -> dt.date:
    """The last day the duo's people moved: its closing day, or their referrals' last move."""
    duo.refresh_from_db()
    moves = [
        timezone.localdate(r.transitions.latest("at").at)
        for r in Referral.objects.filter(participations__trajectory=duo)
    ]
    return max([duo.closed_on, *moves])


def _purged(duo: Trajectory) -> bool:
    return not Trajectory.objects.filter(pk=duo.pk).exists()


def test_a_closed_duo_is_kept_for_the_schedules_period_then_archived():
    duo = TrajectoryFactory(closed=True)
    pupil = duo.participants.get().pupil
    due = _end_of(duo) + dt.timedelta(days=360)

    assert purge.privacy_purge(now=_at(due - dt.timedelta(days=1))) is not None
    assert not _purged(duo)  # the last day kept
    assert Pupil.objects.filter(pk=pupil.pk).exists()

    counts = purge.privacy_purge(now=_at(due))
    assert _purged(duo)  # the next day: gone, with the person and the referral
    assert not Pupil.objects.filter(pk=pupil.pk).exists()
    assert not Meeting.objects.filter(trajectory_id=duo.pk).exists()
    assert counts.participants.pupils == 1 and counts.participants.duos == 1
    person = ArchivedPerson.objects.get()
    assert (person.kind, person.school_year) == ("pupil", pupil.school_year)
    archived = ArchivedDuo.objects.get()
    assert (archived.programme_id, archived.close_reason) == (duo.programme_id, duo.close_reason)
    assert ArchivedReferral.objects.get().final_status == "closed"


def test_a_programmes_shorter_period_comes_first():
    duo = TrajectoryFactory(closed=True)
    for kind in (DataKind.PARTICIPANT, DataKind.FOLLOWUP):
        RetentionOverride.objects.create(programme=duo.programme, kind=kind, days=30)
    due = _end_of(duo) + dt.timedelta(days=30)
    purge.privacy_purge(now=_at(due - dt.timedelta(days=1)))
    assert not _purged(duo)
    purge.privacy_purge(now=_at(due))
    assert _purged(duo)


def test_the_follow_up_period_keeps_the_duo_when_it_is_the_longer_one():
    duo = TrajectoryFactory(closed=True)
    RetentionOverride.objects.create(programme=duo.programme, kind=DataKind.PARTICIPANT, days=30)
    purge.privacy_purge(now=_at(_end_of(duo) + dt.timedelta(days=100)))
    assert not _purged(duo)  # its notes and scores are kept 360 days after it closed


def test_a_running_duo_and_an_open_referral_are_never_purged():
    running = TrajectoryFactory()
    paused = TrajectoryFactory(paused=True)
    purge.privacy_purge(now=_at(timezone.localdate() + dt.timedelta(days=5000)))
    assert not _purged(running) and not _purged(paused)
    assert not ArchivedPerson.objects.exists()


def test_a_concern_not_closed_holds_the_duos_data_until_it_is_closed():
    duo = TrajectoryFactory()
    coordinator = coordinator_of(duo)
    concern = concern_services.concern_raise(
        actor=duo.buddy.user, trajectory=duo, urgency="urgent", text="Blauwe plekken."
    )
    duo_services.trajectory_close(
        actor=None, trajectory=duo, reason="ended_as_planned", final_wellbeing=3
    )
    due = _end_of(duo) + dt.timedelta(days=360)
    purge.privacy_purge(now=_at(due + dt.timedelta(days=10)))
    assert not _purged(duo)  # held: the case runs

    concern_services.concern_acknowledge(actor=coordinator, concern=concern, note="Gebeld.")
    concern_services.concern_record_outcome(
        actor=coordinator, concern=concern, outcome=ConcernOutcome.CARE_TEAM, note=""
    )
    concern_services.concern_close(actor=coordinator, concern=concern)
    purge.privacy_purge(now=_at(due + dt.timedelta(days=11)))
    assert _purged(duo)
    assert not Concern.objects.filter(pk=concern.pk).exists()


def test_a_group_duo_goes_as_one_piece_when_everyone_in_it_is_due():
    group = TrajectoryFactory(group=True, closed=True)
    pupils = [p.pupil_id for p in group.participants.all()]
    due = _end_of(group) + dt.timedelta(days=360)
    purge.privacy_purge(now=_at(due - dt.timedelta(days=1)))
    assert Pupil.objects.filter(pk__in=pupils).count() == 3
    purge.privacy_purge(now=_at(due))
    assert not Pupil.objects.filter(pk__in=pupils).exists()
    assert ArchivedPerson.objects.count() == 3
    assert ArchivedDuo.objects.get().participations.count() == 3


def test_a_withdrawn_consent_is_erased_on_its_erase_after_day():
    duo = TrajectoryFactory()
    referral = duo.participants.get().referral
    withdrawal = consent_services.consent_withdraw(
        actor=coordinator_of(duo), referral=referral, withdrawn_by="parent", method="paper"
    )
    duo.refresh_from_db()
    assert duo.status == TrajectoryStatus.CLOSED
    erase = ConsentWithdrawal.objects.get(pk=withdrawal.pk).erase_after
    assert erase < _end_of(duo) + dt.timedelta(days=360)

    purge.privacy_purge(now=_at(erase - dt.timedelta(days=1)))
    assert Referral.objects.filter(pk=referral.pk).exists()
    purge.privacy_purge(now=_at(erase))
    assert not Referral.objects.filter(pk=referral.pk).exists()
    assert not ConsentWithdrawal.objects.exists()
    assert ArchivedReferral.objects.get().final_status == referral.status


def test_sent_mail_loses_its_text_after_a_month():
    sent_at = _at(dt.date(2026, 1, 10), 12)
    mail = OutgoingMail.objects.create(
        to="ouder@example.invalid",
        from_email="noreply@example.invalid",
        subject="Een bericht",
        body="De tekst",
        html="<p>De tekst</p>",
        sent_at=sent_at,
        next_attempt_at=sent_at,
    )
    purge.privacy_purge(now=sent_at + dt.timedelta(days=30) - dt.timedelta(minutes=1))
    mail.refresh_from_db()
    assert mail.body == "De tekst"
    purge.privacy_purge(now=sent_at + dt.timedelta(days=31))
    mail.refresh_from_db()
    assert (mail.body, mail.html, mail.subject) == ("", "", "Een bericht")


def test_old_audit_events_go_and_every_run_writes_one_event_with_its_counts(settings):
    settings.AUDIT_RETENTION_DAYS = 100
    event = audit_record(
        actor=None, action=AuditAction.RETENTION_SET, target=TrajectoryFactory(closed=True)
    )
    at = _at(dt.date(2025, 1, 6), 12)
    AuditEvent.objects.filter(pk=event.pk).update(at=at)
    first = purge.privacy_purge(now=at + dt.timedelta(days=99))
    assert AuditEvent.objects.filter(pk=event.pk).exists()
    assert first is not None and first.audit_events == 0
    # The same day again: done already, nothing written twice.
    assert purge.privacy_purge(now=at + dt.timedelta(days=99, minutes=5)) is None
    second = purge.privacy_purge(now=at + dt.timedelta(days=101))
    assert not AuditEvent.objects.filter(pk=event.pk).exists()
    assert second is not None and second.audit_events >= 1
    runs = AuditEvent.objects.filter(action=AuditAction.PRIVACY_PURGE).order_by("at")
    assert runs.count() == 2
    assert runs.last().detail == second.as_dict()
    assert runs.last().actor is None


def test_a_rejected_proposals_photo_goes_from_disk_after_a_month(
    settings, tmp_path, django_capture_on_commit_callbacks
):
    settings.MEDIA_ROOT = tmp_path
    submission = PracticeSubmissionFactory()
    submission.photo.save("gezin.png", ContentFile(png()), save=False)
    submission.photo_alt = "Een buddy en een gezin in het park"
    submission.save()
    path = tmp_path / submission.photo.name
    assert path.exists()
    network_services.practice_submission_reject(
        actor=platform_admin(), submission=submission, reason="Dit is geen buddywerking."
    )
    submission.refresh_from_db()
    rejected = submission.moderated_at
    with django_capture_on_commit_callbacks(execute=True):
        purge.privacy_purge(now=rejected + dt.timedelta(days=30) - dt.timedelta(minutes=1))
    submission.refresh_from_db()
    assert submission.photo and path.exists()
    with django_capture_on_commit_callbacks(execute=True):
        counts = purge.privacy_purge(now=rejected + dt.timedelta(days=31))
    submission.refresh_from_db()
    assert counts.practice_photos == 1
    assert (submission.photo.name, submission.photo_alt) == ("", "")
    assert not path.exists()  # nothing left orphaned on disk


def test_run_scheduled_runs_the_purge_once_a_day():
    duo = TrajectoryFactory(closed=True)
    due = _end_of(duo) + dt.timedelta(days=360)
    lines = [result.line() for result in run_scheduled(now=_at(due))]
    assert any(line.startswith("privacy-purge: ok pupils=1") for line in lines), lines
    assert _purged(duo)
    lines = [result.line() for result in run_scheduled(now=_at(due, 4))]
    assert "privacy-purge: ok done today" in lines
