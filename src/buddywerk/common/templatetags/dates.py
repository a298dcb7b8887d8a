"""The pair of date filters every template uses (a builtin: no {% load %} needed).

{{ day|date_text }} -> "2 december 2026"; {{ day|date_table }} -> "2/12/2026";
{{ moment|date_text:"time" }} and {{ moment|date_table:"time" }} add the local time.
See buddywerk.common.dates.
"""

from __future__ import annotations

import datetime as dt

from django import template

from buddywerk.common import dates

register = template.Library()


def _with_time(arg: str | None) -> bool:
    if arg in (None, ""):
        return False
    if arg == "time":
        return True
    raise template.TemplateSyntaxError(f'date filters take no argument or "time", not {arg!r}')


@register.filter(expects_localtime=True, is_safe=False)
def date_text(value: dt.date | dt.datetime | None, arg: str | None = None) -> str:
    return dates.date_text(value, with_time=_with_time(arg))


@register.filter(expects_localtime=True, is_safe=False)
def date_table(value: dt.date | dt.datetime | None, arg: str | None = None) -> str:
    return dates.date_table(value, with_time=_with_time(arg))
