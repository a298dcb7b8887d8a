"""Bad input from the issue, at the service level too (the API and future callers do not go
through the forms): a clear Dutch message and nothing stored."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from buddywerk.trajectories import services
from buddywerk.trajectories.models import Meeting, WellbeingScore
from tests.days import InDays, resolved, today
from tests.trajectories.factories import TrajectoryFactory, school_staff_of

pytestmark = pytest.mark.django_db


def _messages(error: ValidationError) -> str:
    return " ".join(error.messages)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"date": InDays(365)}, "voorbij is"),
        ({"date": InDays(-400)}, "vóór de start van het duo"),
        ({"duration_minutes": 0}, "minstens 5 minuten"),
        ({"duration_minutes": 900}, "hoogstens 240 minuten"),
        ({"note": "x" * 1_000_000}, "hoogstens 2000 tekens"),
        ({"wellbeing": 7}, "1 tot 5"),
    ],
)
def test_meeting_log_refuses_bad_input_and_stores_nothing(kwargs, message):
    duo = TrajectoryFactory()
    values = {"date": today(), "duration_minutes": 45}
    values.update(resolved(kwargs))
    with pytest.raises(ValidationError) as error:
        services.meeting_log(actor=duo.buddy.user, trajectory=duo, **values)
    assert message in _messages(error.value)
    assert Meeting.objects.count() == 0
    assert WellbeingScore.objects.count() == 0


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"date": InDays(365)}, "na het geplande einde"),
        ({"date": InDays(-400)}, "vóór de start van het duo"),
        ({"duration_minutes": 0}, "minstens 5 minuten"),
        ({"duration_minutes": 900}, "hoogstens 240 minuten"),
    ],
)
def test_meeting_plan_refuses_bad_input_and_stores_nothing(kwargs, message):
    duo = TrajectoryFactory()
    values = {"date": today() + dt.timedelta(days=3)}
    values.update(resolved(kwargs))
    with pytest.raises(ValidationError) as error:
        services.meeting_plan(actor=duo.buddy.user, trajectory=duo, **values)
    assert message in _messages(error.value)
    assert Meeting.objects.count() == 0


def test_meeting_update_refuses_a_megabyte_note():
    duo = TrajectoryFactory()
    meeting = services.meeting_log(
        actor=duo.buddy.user, trajectory=duo, date=today(), duration_minutes=45, note="Kort."
    )
    with pytest.raises(ValidationError) as error:
        services.meeting_update(
            actor=duo.buddy.user,
            meeting=meeting,
            date=today(),
            status="happened",
            duration_minutes=45,
            note="x" * 1_000_000,
        )
    assert "hoogstens 2000 tekens" in _messages(error.value)
    meeting.refresh_from_db()
    assert meeting.note == "Kort."


def test_a_wellbeing_score_of_seven_is_refused_by_the_service():
    duo = TrajectoryFactory()
    with pytest.raises(ValidationError) as error:
        services.wellbeing_record(
            actor=school_staff_of(duo),
            trajectory=duo,
            participant=duo.participants.get(),
            moment="midway",
            score=7,
        )
    assert "Kies een score van 1 tot 5" in _messages(error.value)
    assert WellbeingScore.objects.count() == 0


def test_a_quick_check_of_seven_in_the_meeting_form_is_refused(client):
    duo = TrajectoryFactory()
    client.force_login(duo.buddy.user)
    response = client.post(
        reverse("trajectories:meeting_create", args=[duo.uuid]),
        {
            "date": today().isoformat(),
            "status": "happened",
            "duration_minutes": 45,
            "note_visibility": "private",
            "wellbeing": "7",
        },
    )
    assert response.status_code == 200
    assert "Kies een score van 1 tot 5" in response.content.decode()
    assert Meeting.objects.count() == 0


def test_a_megabyte_evaluation_is_refused():
    duo = TrajectoryFactory()
    with pytest.raises(ValidationError) as error:
        services.trajectory_evaluate(actor=duo.buddy.user, trajectory=duo, text="x" * 1_000_000)
    assert "2000" in _messages(error.value)
    duo.refresh_from_db()
    assert duo.buddy_evaluation == ""
