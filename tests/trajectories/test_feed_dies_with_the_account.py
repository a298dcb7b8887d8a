"""Issue 11, point 8: a buddy's calendar feed dies with the account. A deactivated or
declined buddy's secret link stops serving planned meetings (date and place) at once: the
feed checks its owner, and the services that deactivate or decline delete the link."""

import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone
from icalendar import Calendar

from buddywerk.access import services as access_services
from buddywerk.access.models import Membership, Role, User
from buddywerk.buddies import services as buddy_services
from buddywerk.common.models import AuditEvent
from buddywerk.learning import services as learning_services
from buddywerk.learning.models import CalendarFeed
from buddywerk.trajectories import services
from tests.factories import OrganisationFactory, UserFactory, member
from tests.trajectories.factories import TrajectoryFactory, coordinator_of

pytestmark = pytest.mark.django_db

PLACE = "De bibliotheek van Sint-Ursula"


def _duo_with_planned_meeting():
    duo = TrajectoryFactory(place=PLACE)
    services.meeting_plan(
        actor=duo.buddy.user,
        trajectory=duo,
        date=timezone.localdate() + dt.timedelta(days=3),
        start_time=dt.time(15, 30),
    )
    token = learning_services.calendar_feed_reset(actor=duo.buddy.user).token
    return duo, token


def _get(token):
    return Client().get(f"/learning/calendar/{token}.ics")


def _meetings(response):
    return Calendar.from_ical(response.content).walk("VEVENT")


def _refused_without_meeting_data(response):
    assert response.status_code == 404
    body = response.content.decode()
    assert "BEGIN:VCALENDAR" not in body
    assert PLACE not in body


def test_the_feed_of_a_deactivated_buddy_is_gone():
    duo, token = _duo_with_planned_meeting()
    assert len(_meetings(_get(token))) == 1  # served while the account is active
    admin = member(
        UserFactory(is_staff=True),
        OrganisationFactory(kind="umbrella"),
        Role.PLATFORM_ADMIN,
    )
    access_services.user_deactivate(actor=admin, user=duo.buddy.user)
    _refused_without_meeting_data(_get(token))
    assert not CalendarFeed.objects.exists()  # the token itself is deleted
    assert AuditEvent.objects.filter(action="user.deactivate").exists()
    assert AuditEvent.objects.filter(action="calendar_feed.drop").exists()


def test_the_feed_checks_its_owner_even_when_the_token_was_left_behind():
    """An account closed another way (a bulk update, a shell) keeps its token row: the
    feed itself still refuses to serve it."""
    duo, token = _duo_with_planned_meeting()
    User.objects.filter(pk=duo.buddy.user_id).update(is_active=False)
    _refused_without_meeting_data(_get(token))


def test_the_feed_of_a_declined_buddy_is_gone():
    duo, token = _duo_with_planned_meeting()
    buddy_services.buddy_decline(
        actor=coordinator_of(duo),
        buddy=duo.buddy,
        programme=duo.programme,
        reason="Een signaal van de school.",
    )
    _refused_without_meeting_data(_get(token))
    assert not CalendarFeed.objects.exists()
    # Back in the queue, the applicant is not approved: no new link either.
    buddy_services.buddy_reopen(actor=coordinator_of(duo), buddy=duo.buddy, programme=duo.programme)
    client = Client()
    client.force_login(duo.buddy.user)
    assert client.get("/learning/calendar/").status_code == 403
    assert client.post("/learning/calendar/").status_code == 403
    assert not CalendarFeed.objects.exists()


def test_a_buddy_who_left_the_duos_programme_no_longer_gets_its_meetings():
    """Still an approved buddy elsewhere, but no longer a buddy of the duo's programme:
    the feed serves, without that duo's meetings."""
    duo, token = _duo_with_planned_meeting()
    other = OrganisationFactory(kind="programme")
    member(duo.buddy.user, other, Role.BUDDY)
    access_services.membership_revoke(
        actor=None,
        membership=Membership.objects.get(user=duo.buddy.user, organisation=duo.programme),
    )
    response = _get(token)
    assert response.status_code == 200
    assert _meetings(response) == []
    assert PLACE not in response.content.decode()


def test_unticking_active_in_the_admin_deletes_the_calendar_link(client):
    duo, token = _duo_with_planned_meeting()
    admin = member(
        UserFactory(is_staff=True, is_superuser=True),
        OrganisationFactory(kind="umbrella"),
        Role.PLATFORM_ADMIN,
    )
    client.force_login(admin)
    buddy_user = duo.buddy.user
    url = f"/admin/access/user/{buddy_user.pk}/change/"
    page = client.get(url)
    assert page.status_code == 200
    form = page.context["adminform"].form
    data = {
        name: value
        for name, value in form.initial.items()
        if value is not None and name not in {"is_active", "password"}
    }
    data.update(
        {
            "last_login_0": "",
            "last_login_1": "",
            "date_joined_0": buddy_user.date_joined.strftime("%Y-%m-%d"),
            "date_joined_1": buddy_user.date_joined.strftime("%H:%M:%S"),
            "memberships-TOTAL_FORMS": "0",
            "memberships-INITIAL_FORMS": "0",
        }
    )
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    buddy_user.refresh_from_db()
    assert not buddy_user.is_active
    assert not CalendarFeed.objects.exists()
    _refused_without_meeting_data(_get(token))
