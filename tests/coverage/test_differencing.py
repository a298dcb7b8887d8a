"""The funder's map with the funder's reports (issue 19 point 4; docs/reports.md,
"Differencing"): every count the map publishes is a band, and no published count, sum or
difference of two counts, taken from the map over any period the funder may choose and any
report the funder may ask for, pins a value from 1 to 4. Brute force on the hand-counted
coverage worlds (today's and the past period's)."""

import csv
import datetime as dt
import io

import pytest
from django.urls import reverse
from django.utils import timezone

from buddywerk.coverage import measures as m
from buddywerk.coverage.forms import SCHOOL_YEARS
from buddywerk.geo.models import Municipality
from buddywerk.reports import periods
from tests.coverage.world import LEUVEN, build, build_past
from tests.reports.test_differencing import (
    assert_nothing_small_can_be_derived,
    every_report,
    funder,
    interval,
    month_ranges,
    published_counts,
)

pytestmark = pytest.mark.django_db

COUNT_COLUMNS = {"waiting": 2, "buddies": 4, "free_places": 5, "duos": 6}


class MapAsReport:
    """The map's count cells in the shape assert_nothing_small_can_be_derived reads."""

    suppressed = True

    def __init__(self, cells):
        self.cells = cells


def map_cells(client, user, kind=periods.FINAL, school_year=None):
    """The funder's CSV for a period (the whole current school year by default) beside the
    exact figures of the same period."""
    today = timezone.localdate()
    school_year = periods.school_year_of(today) if school_year is None else school_year
    client.force_login(user)
    response = client.get(
        reverse("coverage:csv"), {"period": kind, "school_year": str(school_year)}
    )
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    codes = [row[0] for row in rows[1:]]
    period = periods.interim(school_year) if kind == periods.INTERIM else periods.final(school_year)
    exact = m.measures(codes, period=period, today=today)
    cells = []
    for row in rows[1:]:
        true = exact[row[0]]
        for key, column in COUNT_COLUMNS.items():
            cells.append(((key, row[0]), getattr(true, key), interval(row[column])))
    return cells


def every_map_period():
    """Every period the map's form offers the funder."""
    this_year = periods.school_year_of(timezone.localdate())
    return [
        (kind, year)
        for year in range(this_year, this_year - SCHOOL_YEARS, -1)
        for kind in (periods.FINAL, periods.INTERIM)
    ]


def test_the_funders_map_and_reports_together_reveal_no_count_below_five(client, monkeypatch):
    build()
    user = funder()
    cells = map_cells(client, user)
    assert len(cells) == 4 * Municipality.objects.served().count()
    # Every map cell is the band of its true value, and no band pins 1-4.
    for _measure, value, (low, high) in cells:
        assert low <= value <= high
        assert not (low == high and 1 <= low <= 4)
    today = timezone.localdate()
    window = month_ranges(today - dt.timedelta(days=62), 3)
    reports = every_report(user, window, [periods.school_year_of(today)])
    # One pool: any map cell against any report cell and any other map cell, whatever
    # the measure (stronger than comparing like with like).
    pooled = [(("any",), value, shown) for _m, value, shown in cells]
    for report in reports:
        pooled += [(("any",), value, shown) for _m, value, shown in published_counts(report)]
    monkeypatch.setattr(
        "tests.reports.test_differencing.published_counts", lambda report: report.cells
    )
    isolating = assert_nothing_small_can_be_derived([MapAsReport(pooled)])
    # The world holds true differences of 1-4 that exact figures would have revealed.
    assert isolating > 0


def test_the_funders_map_over_every_period_reveals_no_count_below_five(client, monkeypatch):
    """Two periods compared (the same municipality and measure, or any two cells) pin no
    count from 1 to 4, although exact figures of two periods would (Leuven's waiting
    referrals, buddies and duos change between the last school year and this one)."""
    build()
    past = build_past()
    user = funder()
    by_period = {choice: map_cells(client, user, *choice) for choice in every_map_period()}
    last_year = (periods.FINAL, past.period.start.year)
    # The past period's exact figures are the hand-counted ones (waiting, buddies, free
    # places, duos), published as bands.
    leuven = [(m_[0], value) for m_, value, _s in by_period[last_year] if m_[1] == LEUVEN]
    assert leuven == [("waiting", 2), ("buddies", 3), ("free_places", 3), ("duos", 1)]
    for cells in by_period.values():
        for _measure, value, (low, high) in cells:
            assert low <= value <= high
            assert not (low == high and 1 <= low <= 4)
    # Like with like: the same cell over two periods, and any cell against any other.
    same_cell = [
        ((index,), value, shown)
        for cells in by_period.values()
        for index, (_m, value, shown) in enumerate(cells)
    ]
    pooled = [
        (("any",), value, shown) for cells in by_period.values() for _m, value, shown in cells
    ]
    monkeypatch.setattr(
        "tests.reports.test_differencing.published_counts", lambda report: report.cells
    )
    assert assert_nothing_small_can_be_derived([MapAsReport(same_cell)]) > 0
    assert assert_nothing_small_can_be_derived([MapAsReport(pooled)]) > 0
