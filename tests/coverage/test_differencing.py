"""The funder's map with the funder's reports (issue 19 point 4; docs/reports.md,
"Differencing"): every count the map publishes is a band, and no published count, sum or
difference of two counts, taken from the map and any report the funder may ask for, pins a
value from 1 to 4. Brute force on the hand-counted coverage world."""

import csv
import datetime as dt
import io

import pytest
from django.urls import reverse
from django.utils import timezone

from buddywerk.coverage import measures as m
from buddywerk.geo.models import Municipality
from buddywerk.reports import periods
from tests.coverage.world import build
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


def map_cells(client, user):
    client.force_login(user)
    rows = list(csv.reader(io.StringIO(client.get(reverse("coverage:csv")).content.decode())))
    codes = [row[0] for row in rows[1:]]
    exact = m.measures(codes, today=timezone.localdate())
    cells = []
    for row in rows[1:]:
        true = exact[row[0]]
        for key, column in COUNT_COLUMNS.items():
            cells.append(((key,), getattr(true, key), interval(row[column])))
    return cells


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
