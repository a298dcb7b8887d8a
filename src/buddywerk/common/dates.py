"""One date format per context (issue 16 point 9), in the active language.

- date_text: in running text, mails and headings: "2 december 2026" ("2 December 2026").
- date_table: in tables, lists and exports for people: "2/12/2026".
ISO (date.isoformat()) only in files meant for machines (CSV for import, the API, JSON).
With with_time=True a datetime also shows its local time ("2 december 2026, 14:30" and
"2/12/2026 14:30"). The formats themselves live in buddywerk.formats (FORMAT_MODULE_PATH).
"""

from __future__ import annotations

import datetime as dt

from django.utils import formats, timezone


def _local(value: dt.date | dt.datetime) -> dt.date | dt.datetime:
    if isinstance(value, dt.datetime) and timezone.is_aware(value):
        return timezone.localtime(value)
    return value


def _render(
    value: dt.date | dt.datetime | None, date_fmt: str, datetime_fmt: str, with_time: bool
) -> str:
    if value is None or value == "":
        return ""
    value = _local(value)
    if with_time and isinstance(value, dt.datetime):
        return formats.date_format(value, datetime_fmt)
    return formats.date_format(value, date_fmt)


def date_text(value: dt.date | dt.datetime | None, *, with_time: bool = False) -> str:
    """A date in running text: "2 december 2026"."""
    return _render(value, "DATE_FORMAT", "DATETIME_FORMAT", with_time)


def date_table(value: dt.date | dt.datetime | None, *, with_time: bool = False) -> str:
    """A date in a table cell or an export for people: "2/12/2026"."""
    return _render(value, "SHORT_DATE_FORMAT", "SHORT_DATETIME_FORMAT", with_time)
