"""Report periods (R16): the interim report covers 1 September to 31 December of a school
year and is due on 1 February; the final report covers the whole school year (1 September
to 31 August) and is due on 15 October."""

import datetime as dt
from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

INTERIM = "interim"
FINAL = "final"
CUSTOM = "custom"


@dataclass(frozen=True)
class Period:
    start: dt.date
    end: dt.date  # inclusive

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1


def whole_months(period: Period) -> bool:
    """The period starts on a first and ends on a last day of a month (the presets are):
    the only periods a restricted report answers (docs/reports.md), and the ones the rollup
    per duo and month answers exactly."""
    return period.start.day == 1 and (period.end + dt.timedelta(days=1)).day == 1


def interim(school_year: int) -> Period:
    """1 September - 31 December of the school year that starts in `school_year`."""
    return Period(dt.date(school_year, 9, 1), dt.date(school_year, 12, 31))


def final(school_year: int) -> Period:
    """1 September - 31 August: the whole school year."""
    return Period(dt.date(school_year, 9, 1), dt.date(school_year + 1, 8, 31))


def school_year_of(day: dt.date) -> int:
    return day.year if day.month >= 9 else day.year - 1


def school_year_label(school_year: int) -> str:
    return f"{school_year}-{school_year + 1}"


@dataclass(frozen=True)
class Deadline:
    kind: str
    label: str | Promise
    due: dt.date
    period: Period


def deadlines(school_year: int) -> list[Deadline]:
    """The two reports of a school year with their due dates."""
    return [
        Deadline(
            INTERIM, _("interim report"), dt.date(school_year + 1, 2, 1), interim(school_year)
        ),
        Deadline(FINAL, _("final report"), dt.date(school_year + 1, 10, 15), final(school_year)),
    ]
