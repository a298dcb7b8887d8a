"""Days relative to today, resolved when a test runs, not when it is collected.

A CI run lasts long enough to cross midnight in Brussels: a date computed at import
time (a module constant, a parametrize value) is yesterday by the time its test runs.
"""

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.utils import timezone


def today() -> dt.date:
    """The platform's today (Europe/Brussels), as the services see it."""
    return timezone.localdate()


@dataclass(frozen=True)
class InDays:
    """Today plus `days`, for a parametrize value; `resolved` turns it into a date."""

    days: int

    def date(self) -> dt.date:
        return today() + dt.timedelta(days=self.days)


def resolved(values: dict[str, Any], iso: bool = False) -> dict[str, Any]:
    """`values` with every InDays replaced by its date (an ISO string for a form)."""
    out = dict(values)
    for key, value in values.items():
        if isinstance(value, InDays):
            day = value.date()
            out[key] = day.isoformat() if iso else day
    return out
