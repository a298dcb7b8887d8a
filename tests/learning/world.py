"""Objects the learning routes need in the access-matrix world (tests/access/world.py)."""

from typing import Any

from buddywerk.learning.models import Audience, CalendarFeed, EventKind, Registration
from tests.learning.factories import EventFactory, ModuleFactory


def objects(*, programme: Any, buddy: Any, region: Any, organiser: Any, **_: Any) -> dict[str, Any]:
    event = EventFactory(title="Intervisie (test)")
    # Issue 20: an intervision for school staff, organised by the regional coordination.
    school_event = EventFactory(
        title="Intervisie zorgleerkrachten (test)",
        audience=Audience.SCHOOLS,
        region=region,
        created_by=organiser,
    )
    meetup = EventFactory(title="Buddymoment (test)", kind=EventKind.MEETUP, programme=programme)
    return {
        "event": event,
        "meetup": meetup,
        "school_event": school_event,
        "registration": Registration.objects.create(event=event, user=buddy.user, buddy=buddy),
        "module": ModuleFactory(slug="warme-band"),
        "calendar_feed": CalendarFeed.objects.create(buddy=buddy, token="world-calendar-token"),
    }
