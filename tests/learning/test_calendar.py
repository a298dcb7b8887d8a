"""The buddy's calendar feed: registered events only, a secret revocable link."""

import pytest
from icalendar import Calendar

from buddywerk.access.models import Role
from buddywerk.learning import services
from buddywerk.learning.models import CalendarFeed
from tests.factories import BuddyFactory, ProgrammeFactory, member
from tests.learning.factories import EventFactory

pytestmark = pytest.mark.django_db


def test_feed_parses_back_and_the_old_link_stops_working(client):
    programme = ProgrammeFactory()
    buddy = BuddyFactory(programmes=[programme])
    user = member(buddy.user, programme, Role.BUDDY)
    mine = EventFactory(title="Intervisie: rekenen in de lagere school")
    EventFactory(title="Niet voor mij")
    services.registration_create(actor=user, event=mine)
    client.force_login(user)
    client.post("/learning/calendar/")
    token = CalendarFeed.objects.get().token
    client.logout()
    response = client.get(f"/learning/calendar/{token}.ics")
    assert response["Content-Type"].startswith("text/calendar")
    calendar = Calendar.from_ical(response.content)
    events = calendar.walk("VEVENT")
    assert [str(e["summary"]) for e in events] == ["Intervisie: rekenen in de lagere school"]
    assert events[0].decoded("dtstart") == mine.starts_at
    client.force_login(user)
    client.post("/learning/calendar/")
    client.logout()
    assert client.get(f"/learning/calendar/{token}.ics").status_code == 404
    new_token = CalendarFeed.objects.get().token
    assert client.get(f"/learning/calendar/{new_token}.ics").status_code == 200
