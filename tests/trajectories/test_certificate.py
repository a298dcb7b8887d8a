"""The buddy's certificate of participation: a PDF read back with pypdf; hours, period,
meetings and events attended; never any pupil data. Only the buddy and the coordinator."""

import datetime as dt
import io

import pytest
from django.urls import reverse
from django.utils import timezone, translation
from pypdf import PdfReader

from buddywerk.common.dates import date_text
from buddywerk.learning.models import Registration
from buddywerk.trajectories import services
from buddywerk.trajectories.enums import CloseReason
from tests.learning.factories import EventFactory
from tests.trajectories.factories import TrajectoryFactory, coordinator_of, school_staff_of

pytestmark = pytest.mark.django_db


def _text(response) -> str:
    reader = PdfReader(io.BytesIO(response.content))
    return " ".join(" ".join((page.extract_text() or "").split()) for page in reader.pages)


def test_certificate_states_hours_period_and_events_without_pupil_data(client):
    today = timezone.localdate()
    start = today - dt.timedelta(weeks=6)
    duo = TrajectoryFactory(planned_start=start)
    buddy_user = duo.buddy.user
    buddy_user.first_name, buddy_user.last_name = "Hanne", "Vervoort"
    buddy_user.save()
    for week, minutes in ((0, 60), (1, 45), (2, 45)):
        services.meeting_log(
            actor=buddy_user,
            trajectory=duo,
            date=start + dt.timedelta(weeks=week),
            duration_minutes=minutes,
        )
    services.meeting_log(
        actor=buddy_user,
        trajectory=duo,
        date=start + dt.timedelta(weeks=3),
        status="cancelled",
        cancel_reason="pupil_absent",
    )
    Registration.objects.create(
        event=EventFactory(), user=duo.buddy.user, buddy=duo.buddy, attended=True
    )
    services.trajectory_close(
        actor=coordinator_of(duo),
        trajectory=duo,
        reason=CloseReason.ENDED_AS_PLANNED,
        final_wellbeing=4,
    )
    pupil = duo.participants.get().pupil
    client.force_login(buddy_user)
    response = client.get(reverse("trajectories:certificate", args=[duo.uuid]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert "attachment" in response["Content-Disposition"]
    text = _text(response)
    assert "Deelnameattest" in text
    assert "Hanne Vervoort" in text
    assert duo.programme.name in text
    with translation.override("nl-be"):  # a certificate is text: "22 oktober 2026"
        assert f"{date_text(start)} – {date_text(today)}" in text
    assert "Contactmomenten gehouden 3" in text  # the cancelled one does not count
    assert "Uren 2,5" in text  # 150 minutes
    assert "Vormingsmomenten bijgewoond 1" in text
    assert pupil.first_name not in text
    assert pupil.last_name not in text
    assert duo.school.name not in text


def test_certificate_is_for_the_buddy_and_the_coordinator_only(client):
    duo = TrajectoryFactory()
    held(duo)
    url = reverse("trajectories:certificate", args=[duo.uuid])
    client.force_login(coordinator_of(duo))
    assert client.get(url).status_code == 200
    client.force_login(school_staff_of(duo))
    assert client.get(url).status_code == 403
    other = TrajectoryFactory()
    client.force_login(other.buddy.user)
    assert client.get(url).status_code == 404


def held(duo):
    return services.meeting_log(
        actor=duo.buddy.user, trajectory=duo, date=timezone.localdate(), duration_minutes=45
    )


def test_the_certificate_link_appears_only_when_there_is_a_certificate(client):
    """Issue 16, point 10: a duo without a meeting held has nothing to certify: no link on
    the duo's page, and the address finds no certificate."""
    duo = TrajectoryFactory()
    url = reverse("trajectories:certificate", args=[duo.uuid])
    detail = reverse("trajectories:detail", args=[duo.uuid])
    for user in (duo.buddy.user, coordinator_of(duo)):
        client.force_login(user)
        assert url not in client.get(detail).content.decode()
        assert client.get(url).status_code == 404
    held(duo)
    for user in (duo.buddy.user, coordinator_of(duo)):
        client.force_login(user)
        assert url in client.get(detail).content.decode()
        assert client.get(url).status_code == 200
