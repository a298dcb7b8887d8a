"""The clock of services, selectors and scheduled jobs, which tests may set.

A service that depends on the time takes `now` (a moment) or `today` (a date) as an
optional keyword argument, so that tests, the demo and replays (`followup-reminders
--today`) run on a fake clock without patching anything. `now()` and `today()` turn "not
given" into the real clock; `add_working_days` is calendar arithmetic on top of it.
"""

import datetime as dt

from django.utils import timezone


def now(moment: dt.datetime | None = None) -> dt.datetime:
    """`moment` when the caller passed one (a fake clock), else the current aware time."""
    return moment or timezone.now()


def today(day: dt.date | None = None) -> dt.date:
    """`day` when the caller passed one (a fake clock), else today's date in the site's
    time zone (TIME_ZONE, Europe/Brussels): what people in Flanders call today."""
    return day or timezone.localdate()


def add_working_days(moment: dt.datetime, days: int) -> dt.datetime:
    """`moment` plus `days` working days, skipping Saturdays and Sundays (the time of day
    is kept). Raised on a Friday at 10:00, two working days later is Tuesday 10:00.
    Public holidays count as working days."""
    result = moment
    added = 0
    while added < days:
        result += dt.timedelta(days=1)
        if result.weekday() < 5:
            added += 1
    return result
