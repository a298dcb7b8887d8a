"""The coverage map over a period (issue 19 point 3): a past period counted by hand
(tests/coverage/world.py, `build_past`), the period form without JavaScript, and the
table, the links and the CSV following the period."""

import csv
import io
from fractions import Fraction

import pytest
from django.urls import reverse
from django.utils import translation

from buddywerk.coverage import measures as m
from buddywerk.reports import periods
from tests.coverage.test_views import get, regional, table_row
from tests.coverage.world import LEUVEN, build_past
from tests.reports.test_differencing import funder

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


@pytest.fixture
def past():
    return build_past()


def test_every_measure_at_the_end_of_a_past_period(past):
    rows = m.measures([LEUVEN], period=past.period, today=past.today)
    leuven = rows[LEUVEN]
    assert (leuven.waiting, leuven.median_days) == (2, 19)
    assert (leuven.buddies, leuven.free_places, leuven.duos) == (3, 3, 1)
    assert leuven.programmes == 1
    assert Fraction(leuven.demand_per_place).limit_denominator(10) == Fraction(2, 3)


def test_the_same_world_today_counts_what_stands_now(past):
    current = periods.final(periods.school_year_of(past.today))
    leuven = m.measures([LEUVEN], period=current, today=past.today)[LEUVEN]
    # RC (5 days) and RD (still on the waiting list); RA is matched now.
    assert leuven.waiting == 2
    assert sorted(leuven.waiting_days)[0] == 5
    # BB counts now; DA (closed 10 days into this school year) was active in it, and
    # BD's duo runs: BA 2, BB 1, BC 1, BD 0 free places.
    assert (leuven.buddies, leuven.free_places, leuven.duos) == (4, 4, 2)


def test_an_interim_period_before_the_duo_began_has_no_active_duo(past):
    earlier = periods.interim(past.period.start.year - 1)
    leuven = m.measures([LEUVEN], period=earlier, today=past.today)[LEUVEN]
    # The extract was seen after that period: no buddy; RB came later: nobody waits.
    assert (leuven.waiting, leuven.buddies, leuven.duos) == (0, 0, 0)


def test_the_past_period_costs_a_fixed_number_of_queries(past, django_assert_num_queries):
    with django_assert_num_queries(5):
        m.measures([LEUVEN], period=past.period, today=past.today)
    build_past()  # twice the data, the same queries
    with django_assert_num_queries(5):
        m.measures([LEUVEN], period=past.period, today=past.today)


def query_for(past, kind=periods.FINAL):
    return {"period": kind, "school_year": str(past.period.start.year)}


def test_the_period_is_chosen_with_a_get_form_and_the_table_follows_it(client, past):
    user = regional("VBR")
    html = get(client, user).content.decode()
    assert '<form method="get" action="/coverage/"' in html
    assert 'name="period"' in html and 'name="school_year"' in html
    now = table_row(html, "Leuven")
    assert (now[0], *now[2:5]) == ("2", "4", "4", "2")  # today's, as counted above
    html = get(client, user, query=query_for(past)).content.decode()
    # waiting, median days, buddies, free places, duos, demand, programmes
    assert table_row(html, "Leuven") == ["2", "19", "3", "3", "1", "0.7", "1"]
    assert past.period.end.strftime("%Y") in html
    # The links keep the period: the measures, the municipality and the CSV.
    year = past.period.start.year
    assert f'href="?period=final&amp;school_year={year}&amp;measure=buddies"' in html
    assert f'/coverage/{LEUVEN}/?period=final&amp;school_year={year}"' in html
    assert f'/coverage/coverage.csv?period=final&amp;school_year={year}&amp;"' in html


def test_the_csv_and_the_municipality_follow_the_period(client, past):
    user = regional("VBR")
    client.force_login(user)
    response = client.get(reverse("coverage:csv"), query_for(past))
    rows = {row[0]: row for row in csv.reader(io.StringIO(response.content.decode()))}
    assert rows[LEUVEN][2:7] == ["2", "19", "3", "3", "1"]
    assert (
        f"coverage-{past.period.start.isoformat()}-{past.period.end.isoformat()}.csv"
        in (response["Content-Disposition"])
    )
    page = client.get(reverse("coverage:municipality", args=[LEUVEN]), query_for(past))
    assert page.status_code == 200
    text = page.content.decode()
    assert '<dd class="col-sm-6">19</dd>' in text


def test_a_period_outside_the_choices_shows_an_error_and_the_current_year(client, past):
    user = regional("VBR")
    response = get(client, user, query={"period": "final", "school_year": "1999"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "Select a valid choice" in html
    assert table_row(html, "Leuven")[2] == "4"  # today's buddies, not a guess


def test_the_funder_chooses_periods_too(client, past):
    html = get(client, funder(), query=query_for(past, periods.INTERIM)).content.decode()
    assert table_row(html, "Leuven")[0] in {"0", "<5"}


def test_the_funders_and_admins_pages_cost_a_fixed_number_of_queries(client, past):
    """Whatever the data and the number of white spots (each listed with its nearest
    programmes and campuses), for the running and a past period (issue 19 point 5)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from buddywerk.access.models import Role
    from buddywerk.organisations.models import OrganisationKind
    from tests.coverage.test_views import user_with
    from tests.coverage.world import build

    readers = [funder(), user_with(Role.PLATFORM_ADMIN, OrganisationKind.UMBRELLA)]
    choices = [{}, query_for(past)]

    def counts():
        found = []
        for user in readers:
            client.force_login(user)
            for query in choices:
                with CaptureQueriesContext(connection) as queries:
                    response = client.get(reverse("coverage:map"), query)
                found.append((len(queries), response.content.decode().count("bw-card mb-2")))
        return found

    counts()  # warm the gazetteer and the drawing
    first = counts()
    build()
    build_past()
    build_past()
    second = counts()
    assert [n for n, _spots in first] == [n for n, _spots in second]
    # The second world has more white spots (Bonheiden, Gent), the same queries.
    assert sum(spots for _n, spots in second) > sum(spots for _n, spots in first)


def test_the_coordinators_pages_cost_a_fixed_number_of_queries(client, past):
    """The regional coordinator's province and the programme coordinator's area (their
    coverage and where their waiting referrals come from, which grows with the data), for
    the running and a past period: the same queries whatever the data (issue 19 point 5)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from buddywerk.access.models import Role
    from tests.coverage.world import build
    from tests.factories import (
        PupilFactory,
        ReferralFactory,
        SchoolFactory,
        UserFactory,
        member,
        postcode,
    )

    world = build()
    readers = [
        regional("VAN"),
        regional("VBR"),
        member(UserFactory(), world.p1, Role.PROGRAMME_COORDINATOR),
        member(UserFactory(), past.p3, Role.PROGRAMME_COORDINATOR),
    ]
    choices = [{}, query_for(past)]

    def counts():
        found = []
        for user in readers:
            client.force_login(user)
            for query in choices:
                with CaptureQueriesContext(connection) as queries:
                    response = client.get(reverse("coverage:map"), query)
                assert response.status_code == 200
                found.append(len(queries))
        return found

    counts()  # warm the gazetteer and the drawing
    first = counts()
    build()
    build_past()
    # P1's waiting referrals now also come from Gent and Hasselt: a larger area, the same
    # queries.
    # (P1 worked there when they came, and has since left.)
    for code, nis in (("9000", "44021"), ("3500", "71072")):
        world.p1.municipalities.add(nis)
        school = SchoolFactory(postcode=postcode(code))
        ReferralFactory(programme=world.p1, pupil=PupilFactory(school=school))
        world.p1.municipalities.remove(nis)
    second = counts()
    assert first == second
