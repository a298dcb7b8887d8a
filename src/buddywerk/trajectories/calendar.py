"""A buddy's planned meetings for their personal iCal feed (learning/calendar.py builds the
feed). The entries carry no participant's name: only "Buddy meeting" and the place."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext
from icalendar import Event as CalendarEvent

from buddywerk.access import policy

from .enums import MeetingStatus, TrajectoryStatus
from .models import Meeting

DEFAULT_MINUTES = 60


def planned_meetings_of(buddy: Any) -> list[Meeting]:
    """The planned meetings of the buddy's running (or not yet started) duos, from today,
    in the programmes where the buddy is still an approved buddy with an active account
    (issue 11: a declined or deactivated buddy's feed shows no date or place)."""
    programmes = policy.approved_buddy_programme_ids(buddy.user)
    return list(
        Meeting.objects.filter(
            trajectory__buddy=buddy,
            trajectory__programme_id__in=programmes,
            status=MeetingStatus.PLANNED,
            date__gte=timezone.localdate(),
        )
        .exclude(trajectory__status=TrajectoryStatus.CLOSED)
        .select_related("trajectory__school")
        .order_by("date", "start_time", "id")
    )


def meeting_entries(buddy: Any) -> list[CalendarEvent]:
    entries = []
    for meeting in planned_meetings_of(buddy):
        entry = CalendarEvent()
        entry.add("uid", f"{meeting.uuid}@buddywerk")
        summary = gettext("Buddy meeting")
        if meeting.is_goodbye:
            summary = gettext("Buddy meeting: goodbye")
        entry.add("summary", summary)
        if meeting.start_time is not None:
            start = timezone.make_aware(dt.datetime.combine(meeting.date, meeting.start_time))
            minutes = meeting.duration_minutes or DEFAULT_MINUTES
            entry.add("dtstart", start)
            entry.add("dtend", start + dt.timedelta(minutes=minutes))
        else:
            entry.add("dtstart", meeting.date)
            entry.add("dtend", meeting.date + dt.timedelta(days=1))
        entry.add("dtstamp", timezone.now())
        trajectory = meeting.trajectory
        location = ", ".join(filter(None, [trajectory.place, trajectory.school.name]))
        if location:
            entry.add("location", location)
        entries.append(entry)
    return entries
