"""The buddy's events as an iCalendar document (icalendar)."""

from typing import Any

from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar
from icalendar import Event as CalendarEvent

from .selectors import events_for_calendar


def calendar_for(buddy: Any, *, request: HttpRequest) -> bytes:
    calendar = Calendar()
    calendar.add("prodid", "-//Buddywerk//learning//NL")
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", "Buddywerk")
    for event in events_for_calendar(buddy):
        entry = CalendarEvent()
        entry.add("uid", f"{event.uuid}@buddywerk")
        entry.add("summary", event.title)
        entry.add("dtstart", event.starts_at)
        entry.add("dtend", event.ends_at)
        entry.add("dtstamp", timezone.now())
        location = event.place or event.online_url
        if location:
            entry.add("location", location)
        entry.add(
            "url",
            request.build_absolute_uri(reverse("learning:event_detail", args=[event.uuid])),
        )
        if event.theme:
            entry.add("description", event.theme)
        calendar.add_component(entry)
    # The buddy's planned duo meetings (trajectories app), without any participant's name.
    from buddywerk.trajectories.calendar import meeting_entries

    for entry in meeting_entries(buddy):
        calendar.add_component(entry)
    ical: bytes = calendar.to_ical()
    return ical
