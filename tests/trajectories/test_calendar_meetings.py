"""The buddy's personal iCal feed (learning) also holds the planned duo meetings, without
a participant's name; parsed back with icalendar."""

import datetime as dt

import pytest
from django.utils import timezone
from icalendar import Calendar

from buddywerk.learning import services as learning_services
from buddywerk.trajectories import services
from buddywerk.trajectories.enums import CloseReason
from tests.trajectories.factories import TrajectoryFactory, coordinator_of

pytestmark = pytest.mark.django_db


def _feed(client, user):
    feed = learning_services.calendar_feed_reset(actor=user)
    client.logout()
    response = client.get(f"/learning/calendar/{feed.token}.ics")
    assert response.status_code == 200
    return Calendar.from_ical(response.content).walk("VEVENT")


def test_planned_meetings_are_in_the_feed_without_the_pupils_name(client):
    duo = TrajectoryFactory(place="De bibliotheek")
    buddy = duo.buddy.user
    day = timezone.localdate() + dt.timedelta(days=4)
    timed = services.meeting_plan(
        actor=buddy, trajectory=duo, date=day, start_time=dt.time(14, 0), duration_minutes=50
    )
    services.meeting_plan(
        actor=buddy,
        trajectory=duo,
        date=day + dt.timedelta(days=7),
        is_goodbye=True,
    )
    services.meeting_log(
        actor=buddy, trajectory=duo, date=timezone.localdate(), duration_minutes=30
    )
    other = TrajectoryFactory()
    services.meeting_plan(actor=other.buddy.user, trajectory=other, date=day)
    events = _feed(client, buddy)
    assert [str(e["summary"]) for e in events] == ["Buddymoment", "Buddymoment: afscheid"]
    first = events[0]
    assert str(first["uid"]) == f"{timed.uuid}@buddywerk"
    start = first.decoded("dtstart")
    assert start == timezone.make_aware(dt.datetime.combine(day, dt.time(14, 0)))
    assert first.decoded("dtend") - start == dt.timedelta(minutes=50)
    assert events[1].decoded("dtstart") == day + dt.timedelta(days=7)  # all day
    assert "De bibliotheek" in str(first["location"])
    pupil = duo.participants.get().pupil
    for event in events:
        text = event.to_ical().decode()
        assert pupil.first_name not in text
        assert pupil.last_name not in text


def test_meetings_of_a_closed_duo_leave_the_feed(client):
    duo = TrajectoryFactory()
    services.meeting_plan(
        actor=duo.buddy.user, trajectory=duo, date=timezone.localdate() + dt.timedelta(days=2)
    )
    services.trajectory_close(
        actor=coordinator_of(duo),
        trajectory=duo,
        reason=CloseReason.STOPPED_BY_PARTICIPANT,
        final_wellbeing=3,
    )
    assert _feed(client, duo.buddy.user) == []
