"""Dates of the demo, relative to the day it is built: what happened weeks ago happened
on the services' fake clock (their `now`/`today` arguments), so every row carries the day
it would carry in real life."""

import datetime as dt

from django.utils import timezone


def today() -> dt.date:
    return timezone.localdate()


def at(day: dt.date, hour: int = 16) -> dt.datetime:
    """`day` at `hour` o'clock, Brussels time."""
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, 0)))


def days_ago(days: int, hour: int = 10) -> dt.datetime:
    """That many days before today, at `hour`; never later than now."""
    return min(at(today() - dt.timedelta(days=days), hour), timezone.now())


def school_year_start() -> dt.date:
    """1 September of the running school year."""
    day = today()
    return dt.date(day.year if day.month >= 9 else day.year - 1, 9, 1)


def school_year_end() -> dt.date:
    """30 June that ends the running school year."""
    return dt.date(school_year_start().year + 1, 6, 30)
