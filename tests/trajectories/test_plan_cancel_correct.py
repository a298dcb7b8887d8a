"""Plan, cancel, correct (issue 16, points 2 and 3).

A planned meeting is cancelled ahead of time with a reason (through the kernel: a log row
and an audit event) or moved, by the buddy or the coordinator of the duo; the school hears
of it by mail where it heard of the plan. Who logged a meeting deletes it within the
programme's correction days; someone else's meeting, or another duo's, is refused. Each
duo state answers cleanly.
"""

import datetime as dt

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from buddywerk.common.audit import AuditAction
from buddywerk.common.models import AuditEvent
from buddywerk.mail.models import OutgoingMail
from buddywerk.trajectories import meeting_services as ms
from buddywerk.trajectories import services
from buddywerk.trajectories.enums import SafeguardingStep
from buddywerk.trajectories.models import Meeting, MeetingTransition, WellbeingScore
from buddywerk.trajectories.safeguarding_services import buddy_safeguarding_cascade
from tests.days import InDays, today
from tests.trajectories.factories import TrajectoryFactory, coordinator_of, school_staff_of

pytestmark = pytest.mark.django_db


def _plan(duo, days=5, actor=None):
    return services.meeting_plan(
        actor=actor or duo.buddy.user,
        trajectory=duo,
        date=today() + dt.timedelta(days=days),
        start_time=dt.time(15, 30),
        duration_minutes=60,
    )


def _log(duo, **extra):
    return services.meeting_log(
        actor=duo.buddy.user,
        trajectory=duo,
        date=today(),
        duration_minutes=45,
        wellbeing=4,
        **extra,
    )


# --- Cancel and move ---------------------------------------------------------------------


def test_the_school_hears_of_a_plan_at_school_and_of_its_cancellation(
    django_capture_on_commit_callbacks,
):
    duo = TrajectoryFactory()  # meets at school
    staff = school_staff_of(duo)
    with django_capture_on_commit_callbacks(execute=True):
        meeting = _plan(duo)
    assert [m.to for m in mail.outbox] == [[staff.email]]
    assert meeting.school_informed_at is not None
    with django_capture_on_commit_callbacks(execute=True):
        ms.meeting_cancel(
            actor=duo.buddy.user,
            meeting=meeting,
            cancel_reason="buddy_absent",
            reason="Ik ben ziek.",
        )
    meeting.refresh_from_db()
    assert (meeting.status, meeting.cancel_reason) == ("cancelled", "buddy_absent")
    log = MeetingTransition.objects.get(meeting=meeting)
    assert (log.from_status, log.to_status, log.reason, log.actor) == (
        "planned",
        "cancelled",
        "Ik ben ziek.",
        duo.buddy.user,
    )
    assert AuditEvent.objects.filter(
        action=AuditAction.MEETING_CANCEL, object_id=str(meeting.uuid)
    ).exists()
    cancelled = mail.outbox[-1]
    assert cancelled.to == [staff.email]
    assert "afgelast" in cancelled.subject and "Ik ben ziek." in cancelled.body
    pupil = duo.participants.get().pupil
    assert pupil.first_name not in cancelled.subject + cancelled.body


def test_a_duo_that_meets_at_home_plans_and_cancels_without_mail(
    django_capture_on_commit_callbacks,
):
    duo = TrajectoryFactory(family=True)
    with django_capture_on_commit_callbacks(execute=True):
        meeting = _plan(duo)
        ms.meeting_cancel(
            actor=duo.buddy.user, meeting=meeting, cancel_reason="other", reason="Ziek."
        )
    assert mail.outbox == []
    assert meeting.school_informed_at is None


def test_cancel_without_a_reason_is_refused_and_changes_nothing():
    duo = TrajectoryFactory()
    meeting = _plan(duo)
    with pytest.raises(ValidationError) as error:
        ms.meeting_cancel(actor=duo.buddy.user, meeting=meeting, cancel_reason="other", reason=" ")
    assert "reason" in error.value.message_dict
    with pytest.raises(ValidationError):
        ms.meeting_cancel(actor=duo.buddy.user, meeting=meeting, cancel_reason="x", reason="Ziek")
    meeting.refresh_from_db()
    assert meeting.status == "planned"
    assert not MeetingTransition.objects.exists()


def test_the_coordinator_moves_a_planned_meeting_and_the_school_is_told(
    django_capture_on_commit_callbacks,
):
    duo = TrajectoryFactory()
    staff = school_staff_of(duo)
    meeting = _plan(duo)
    new_day = today() + dt.timedelta(days=8)
    with django_capture_on_commit_callbacks(execute=True):
        ms.meeting_move(
            actor=coordinator_of(duo),
            meeting=meeting,
            date=new_day,
            start_time=dt.time(10, 0),
            reason="Uitstap van de klas.",
        )
    meeting.refresh_from_db()
    assert (meeting.date, meeting.start_time, meeting.status) == (
        new_day,
        dt.time(10, 0),
        "planned",
    )
    event = AuditEvent.objects.get(action=AuditAction.MEETING_MOVE)
    assert event.detail == {
        "from": (today() + dt.timedelta(days=5)).isoformat(),
        "to": new_day.isoformat(),
    }
    moved = mail.outbox[-1]
    assert moved.to == [staff.email] and "verplaatst" in moved.subject
    assert "10:00" in moved.body and "Uitstap van de klas." in moved.body


@pytest.mark.parametrize(
    ("day", "message"),
    [
        (InDays(-1), "in de toekomst"),
        (InDays(5), "andere datum"),  # the same moment
        (InDays(3650), "na het geplande einde"),
    ],
)
def test_a_move_to_an_impossible_day_is_refused_in_dutch(day, message):
    duo = TrajectoryFactory()
    meeting = _plan(duo)
    with pytest.raises(ValidationError) as error:
        ms.meeting_move(
            actor=duo.buddy.user, meeting=meeting, date=day.date(), start_time=dt.time(15, 30)
        )
    assert message in " ".join(error.value.messages)
    meeting.refresh_from_db()
    assert meeting.date == today() + dt.timedelta(days=5)


def test_a_planned_meeting_moved_on_its_log_page_is_a_move(client):
    """The 'Log' page of a planned meeting keeps 'Still planned' as a choice and takes a
    new date: that is a move, so the school hears of it once and it is audited as one.
    A day in the past is refused in Dutch and changes nothing."""
    duo = TrajectoryFactory()  # meets at school
    school_staff_of(duo)
    meeting = _plan(duo)
    planned_day = meeting.date
    client.force_login(duo.buddy.user)
    url = reverse("trajectories:meeting_edit", args=[duo.uuid, meeting.uuid])
    new_day = today() + dt.timedelta(days=10)
    form = {"status": "planned", "duration_minutes": "60", "note_visibility": "private"}
    response = client.post(url, {**form, "date": new_day.isoformat()})
    assert response.status_code == 302
    meeting.refresh_from_db()
    assert (meeting.date, meeting.start_time, meeting.status) == (
        new_day,
        dt.time(15, 30),
        "planned",
    )
    moved = OutgoingMail.objects.filter(kind="trajectories.meeting_moved")
    assert moved.count() == 1
    event = AuditEvent.objects.get(action=AuditAction.MEETING_MOVE)
    assert event.detail == {"from": planned_day.isoformat(), "to": new_day.isoformat()}
    response = client.post(url, {**form, "date": (today() - dt.timedelta(days=1)).isoformat()})
    assert "in de toekomst" in response.content.decode()
    meeting.refresh_from_db()
    assert meeting.date == new_day
    assert moved.count() == 1
    assert AuditEvent.objects.filter(action=AuditAction.MEETING_MOVE).count() == 1


def test_a_logged_meeting_is_neither_cancelled_ahead_nor_moved():
    duo = TrajectoryFactory()
    meeting = _log(duo)
    with pytest.raises(ValidationError):
        ms.meeting_cancel(actor=duo.buddy.user, meeting=meeting, cancel_reason="other", reason="x")
    with pytest.raises(ValidationError):
        ms.meeting_move(
            actor=duo.buddy.user,
            meeting=meeting,
            date=today() + dt.timedelta(days=2),
            start_time=None,
        )
    meeting.refresh_from_db()
    assert meeting.status == "happened"


@pytest.mark.parametrize("state", ["planned", "active", "paused", "safeguarding", "closed"])
def test_cancel_and_move_in_every_duo_state(client, state):
    """Planned, active and paused duos: the plan can change. A duo paused for safeguarding
    has no planned meeting left (the cascade cancelled it); a closed duo changes nothing.
    Both are refused with a message, never a 500."""
    duo = TrajectoryFactory(planned=state == "planned")
    meeting = _plan(duo)
    if state == "paused":
        services.trajectory_pause(actor=None, trajectory=duo, reason="Vakantie")
    elif state == "safeguarding":
        buddy_safeguarding_cascade(buddy=duo.buddy, step=SafeguardingStep.BUDDY_SUSPENDED)
    elif state == "closed":
        services.trajectory_close(
            actor=None,
            trajectory=duo,
            reason="ended_as_planned",
            closed_on=today(),
            final_wellbeing=4,
        )
    duo.refresh_from_db()
    coordinator = coordinator_of(duo)
    client.force_login(coordinator)
    cancel = reverse("trajectories:meeting_cancel", args=[duo.uuid, meeting.uuid])
    move = reverse("trajectories:meeting_move", args=[duo.uuid, meeting.uuid])
    moved = client.post(move, {"date": (today() + dt.timedelta(days=6)).isoformat()})
    cancelled = client.post(cancel, {"cancel_reason": "other", "reason": "Geen lokaal vrij."})
    meeting.refresh_from_db()
    if state in ("planned", "active", "paused"):
        assert moved.status_code == cancelled.status_code == 302
        assert meeting.status == "cancelled"
        assert meeting.date == today() + dt.timedelta(days=6)
    else:
        assert moved.status_code == cancelled.status_code == 302
        assert moved["Location"] == reverse("trajectories:detail", args=[duo.uuid])
        page = client.get(moved["Location"]).content.decode()
        assert "niet meer gepland" in page or "afgesloten" in page
        assert meeting.date == today() + dt.timedelta(days=5)
        # Nothing by the coordinator (the safeguarding cascade cancelled it as the system).
        assert not MeetingTransition.objects.filter(meeting=meeting, actor=coordinator).exists()


def test_an_outsider_buddy_gets_404_on_another_duos_meeting(client):
    duo = TrajectoryFactory()
    other = TrajectoryFactory(programme=duo.programme)
    planned, logged = _plan(duo), _log(duo)
    client.force_login(other.buddy.user)
    for name, meeting in (
        ("meeting_cancel", planned),
        ("meeting_move", planned),
        ("meeting_delete", logged),
    ):
        url = reverse(f"trajectories:{name}", args=[duo.uuid, meeting.uuid])
        assert client.get(url).status_code == 404
        assert client.post(url, {"reason": "x", "cancel_reason": "other"}).status_code == 404
        # their own duo's URL with this meeting's id names nothing either
        url = reverse(f"trajectories:{name}", args=[other.uuid, meeting.uuid])
        assert client.post(url).status_code == 404
    assert Meeting.objects.filter(trajectory=duo).count() == 2
    with pytest.raises(PermissionDenied):
        ms.meeting_cancel(
            actor=other.buddy.user, meeting=planned, cancel_reason="other", reason="x"
        )


# --- Delete and correct within the programme's window ------------------------------------


def test_the_buddy_deletes_their_own_meeting_inside_the_window(client):
    duo = TrajectoryFactory()
    meeting = _log(duo)
    assert WellbeingScore.objects.filter(meeting=meeting).exists()
    client.force_login(duo.buddy.user)
    url = reverse("trajectories:meeting_delete", args=[duo.uuid, meeting.uuid])
    assert "verwijderd" in client.get(url).content.decode()
    response = client.post(url)
    assert response.status_code == 302
    assert not Meeting.objects.filter(pk=meeting.pk).exists()
    assert not WellbeingScore.objects.exists()
    event = AuditEvent.objects.get(action=AuditAction.MEETING_DELETE)
    assert (event.actor, event.object_id) == (duo.buddy.user, str(meeting.uuid))


def test_the_window_is_the_programmes_setting():
    duo = TrajectoryFactory()
    duo.programme.correction_days = 2
    duo.programme.save()
    meeting = _log(duo)
    later = meeting.logged_at + dt.timedelta(days=2, minutes=1)
    with pytest.raises(ValidationError, match="dagen om het te verbeteren"):
        ms.meeting_delete(actor=duo.buddy.user, meeting=meeting, now=later)
    with pytest.raises(ValidationError, match="dagen om het te verbeteren"):
        services.meeting_update(
            actor=duo.buddy.user,
            meeting=meeting,
            date=today(),
            status="happened",
            duration_minutes=30,
            now=later,
        )
    assert Meeting.objects.filter(pk=meeting.pk, duration_minutes=45).exists()
    ms.meeting_delete(
        actor=duo.buddy.user, meeting=meeting, now=meeting.logged_at + dt.timedelta(days=1)
    )
    assert not Meeting.objects.filter(pk=meeting.pk).exists()


def test_the_default_window_is_seven_days_outside_it_the_page_says_locked(client):
    duo = TrajectoryFactory()
    assert duo.programme.correction_days == 7
    meeting = _log(duo)
    Meeting.objects.filter(pk=meeting.pk).update(
        logged_at=timezone.now() - dt.timedelta(days=7, minutes=1)
    )
    client.force_login(duo.buddy.user)
    url = reverse("trajectories:meeting_delete", args=[duo.uuid, meeting.uuid])
    response = client.post(url)
    assert response.status_code == 200
    assert "dagen om het te verbeteren" in response.content.decode()
    assert Meeting.objects.filter(pk=meeting.pk).exists()


def test_only_who_logged_a_meeting_deletes_it():
    duo = TrajectoryFactory()
    meeting = _log(duo)
    with pytest.raises(PermissionDenied):
        ms.meeting_delete(actor=coordinator_of(duo), meeting=meeting)
    planned = _plan(duo)  # cancelled ahead, not deleted: nobody logged it
    with pytest.raises(PermissionDenied):
        ms.meeting_delete(actor=duo.buddy.user, meeting=planned)
    assert Meeting.objects.count() == 2


def test_a_closed_duos_meeting_is_not_deleted(client):
    duo = TrajectoryFactory()
    meeting = _log(duo)
    services.trajectory_close(
        actor=None, trajectory=duo, reason="ended_as_planned", closed_on=today(), final_wellbeing=4
    )
    client.force_login(duo.buddy.user)
    response = client.post(reverse("trajectories:meeting_delete", args=[duo.uuid, meeting.uuid]))
    assert response.status_code == 302
    assert Meeting.objects.filter(pk=meeting.pk).exists()


def test_a_meeting_of_a_duo_paused_for_safeguarding_is_not_deleted(client):
    """rules.md: a duo paused for safeguarding refuses meetings; correcting, cancelling and
    moving are refused, so is deleting (inside the window, by who logged it)."""
    duo = TrajectoryFactory()
    meeting = _log(duo)
    buddy_safeguarding_cascade(buddy=duo.buddy, step=SafeguardingStep.EXTRACT_EXPIRED)
    duo.refresh_from_db()
    assert duo.paused_for_safeguarding
    with pytest.raises(ValidationError, match="gepauzeerd door de buddywerking"):
        ms.meeting_delete(actor=duo.buddy.user, meeting=meeting)
    client.force_login(duo.buddy.user)
    url = reverse("trajectories:meeting_delete", args=[duo.uuid, meeting.uuid])
    response = client.post(url, follow=True)
    assert "gepauzeerd door de buddywerking" in response.content.decode()
    assert Meeting.objects.filter(pk=meeting.pk).exists()
    assert WellbeingScore.objects.filter(meeting=meeting).exists()
    assert not AuditEvent.objects.filter(action=AuditAction.MEETING_DELETE).exists()


def test_a_meeting_corrected_to_cancelled_loses_its_wellbeing_check_not_its_concern():
    """The quick check was given in the form of a meeting that took place (meeting_delete
    takes it along): corrected to 'cancelled', the meeting keeps no check. The urgent
    concern its low score opened is a safeguarding record: it stays."""
    duo = TrajectoryFactory()
    meeting = services.meeting_log(
        actor=duo.buddy.user, trajectory=duo, date=today(), duration_minutes=45, wellbeing=1
    )
    assert WellbeingScore.objects.filter(meeting=meeting).count() == 1
    assert duo.concerns.count() == 1
    services.meeting_update(
        actor=duo.buddy.user,
        meeting=meeting,
        date=today(),
        status="cancelled",
        cancel_reason="pupil_absent",
    )
    meeting.refresh_from_db()
    assert meeting.status == "cancelled"
    assert not WellbeingScore.objects.filter(trajectory=duo).exists()
    assert duo.concerns.count() == 1


def test_a_meeting_corrected_to_another_day_takes_its_wellbeing_check_along():
    duo = TrajectoryFactory()
    meeting = _log(duo)
    earlier = today() - dt.timedelta(days=2)
    services.meeting_update(
        actor=duo.buddy.user, meeting=meeting, date=earlier, status="happened", duration_minutes=45
    )
    scores = WellbeingScore.objects.filter(trajectory=duo)
    assert list(scores.values_list("date", "meeting_id", "score")) == [(earlier, meeting.pk, 4)]
