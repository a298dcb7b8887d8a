"""Objects the learning routes need in the access-matrix world (tests/access/world.py)."""

from typing import Any

from buddywerk.learning.models import CalendarFeed, EventKind, Registration
from tests.learning.factories import EventFactory, ModuleFactory


def objects(*, programme: Any, buddy: Any, **_: Any) -> dict[str, Any]:
    event = EventFactory(title="Intervisie (test)")
    meetup = EventFactory(title="Buddymoment (test)", kind=EventKind.MEETUP, programme=programme)
    return {
        "event": event,
        "meetup": meetup,
        "registration": Registration.objects.create(event=event, user=buddy.user, buddy=buddy),
        "module": ModuleFactory(slug="warme-band"),
        "calendar_feed": CalendarFeed.objects.create(buddy=buddy, token="world-calendar-token"),
    }
