"""Meetings: the 30-second form, the 7-day lock on a fake clock, bad input refused."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from buddywerk.trajectories import services
from buddywerk.trajectories.models import Meeting, WellbeingScore
from tests.days import InDays, resolved
from tests.trajectories.factories import TrajectoryFactory

pytestmark = pytest.mark.django_db


def _post(client, duo, **data):
    client.force_login(duo.buddy.user)
    payload = {
        "date": timezone.localdate().isoformat(),
        "status": "happened",
        "duration_minutes": 45,
        "topics": ["homework", "talk"],
        "note": "Goed gewerkt.",
        "note_visibility": "shared",
        "wellbeing": "",
    }
    payload.update(data)
    return client.post(reverse("trajectories:meeting_create", args=[duo.uuid]), payload)


def test_buddy_logs_a_meeting_with_a_quick_wellbeing_check(client):
    duo = TrajectoryFactory()
    response = _post(client, duo, wellbeing="4")
    assert response.status_code == 302
    meeting = Meeting.objects.get()
    assert meeting.topics == ["homework", "talk"]
    assert meeting.logged_by == duo.buddy.user
    score = WellbeingScore.objects.get()
    assert (score.score, score.moment, score.source) == (4, "check", "buddy")


def test_the_form_is_ready_with_today(client):
    duo = TrajectoryFactory()
    client.force_login(duo.buddy.user)
    page = client.get(reverse("trajectories:meeting_create", args=[duo.uuid]))
    assert timezone.localdate().isoformat() in page.content.decode()
    assert "form-control-lg" in page.content.decode()


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"date": InDays(365)}, "voorbij is"),
        ({"date": InDays(-200)}, "vóór de start van het duo"),
        ({"date": "2020-01-01"}, "Kies een datum tussen"),  # issue 16, point 5
        ({"duration_minutes": 0}, "minstens 5 minuten"),
        ({"duration_minutes": 900}, "hoogstens 240 minuten"),
        ({"note": "x" * 1_000_000}, "hoogstens 2000 tekens"),
        ({"status": "cancelled", "cancel_reason": ""}, "Waarom werd het contactmoment"),
    ],
)
def test_bad_input_gives_a_clear_dutch_message_and_stores_nothing(client, data, message):
    duo = TrajectoryFactory()
    response = _post(client, duo, **resolved(data, iso=True))
    assert response.status_code == 200
    assert message in response.content.decode()
    assert Meeting.objects.count() == 0


def test_no_meeting_before_the_agreements_are_confirmed(client):
    duo = TrajectoryFactory(planned=True)
    response = _post(client, duo)
    assert response.status_code == 200
    assert "eerst de afspraken bevestigen" in response.content.decode()
    assert Meeting.objects.count() == 0


def test_a_meeting_is_editable_for_seven_days_then_locked():
    duo = TrajectoryFactory()
    logged = timezone.now()
    meeting = services.meeting_log(
        actor=duo.buddy.user,
        trajectory=duo,
        date=timezone.localdate(),
        duration_minutes=30,
        now=logged,
    )
    later = logged + dt.timedelta(days=6, hours=23)
    services.meeting_update(
        actor=duo.buddy.user,
        meeting=meeting,
        date=meeting.date,
        status="happened",
        duration_minutes=40,
        now=later,
    )
    meeting.refresh_from_db()
    assert meeting.duration_minutes == 40
    assert not meeting.is_locked(later)
    too_late = logged + dt.timedelta(days=7)
    assert meeting.is_locked(too_late)
    with pytest.raises(ValidationError):
        services.meeting_update(
            actor=duo.buddy.user,
            meeting=meeting,
            date=meeting.date,
            status="happened",
            duration_minutes=90,
            now=too_late,
        )
    meeting.refresh_from_db()
    assert meeting.duration_minutes == 40


def test_locked_meeting_page_sends_the_buddy_back(client):
    duo = TrajectoryFactory()
    meeting = services.meeting_log(
        actor=duo.buddy.user,
        trajectory=duo,
        date=timezone.localdate() - dt.timedelta(days=8),
        duration_minutes=30,
        now=timezone.now() - dt.timedelta(days=8),
    )
    client.force_login(duo.buddy.user)
    response = client.get(reverse("trajectories:meeting_edit", args=[duo.uuid, meeting.uuid]))
    assert response.status_code == 302


def test_planned_meeting_ahead_then_recorded():
    duo = TrajectoryFactory()
    today = timezone.localdate()
    planned = services.meeting_plan(
        actor=duo.buddy.user,
        trajectory=duo,
        date=today + dt.timedelta(days=7),
        start_time=dt.time(14, 0),
        duration_minutes=50,
    )
    assert planned.status == "planned"
    assert not planned.is_locked()
    # A week later (fake clock), the buddy records it as happened.
    services.meeting_update(
        actor=duo.buddy.user,
        meeting=planned,
        date=planned.date,
        status="happened",
        duration_minutes=50,
        today=today + dt.timedelta(days=7),
    )
    planned.refresh_from_db()
    assert planned.status == "happened"
    assert planned.logged_at is not None


def test_planning_in_the_past_is_refused():
    duo = TrajectoryFactory()
    with pytest.raises(ValidationError) as exc:
        services.meeting_plan(
            actor=duo.buddy.user, trajectory=duo, date=timezone.localdate() - dt.timedelta(days=1)
        )
    assert "date" in exc.value.message_dict
    assert Meeting.objects.count() == 0
