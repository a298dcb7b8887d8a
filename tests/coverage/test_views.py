"""The coverage map's pages for each audience (issue 19 points 2 and 4)."""

import csv
import io
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from buddywerk.access.models import Role
from buddywerk.geo.models import Municipality
from buddywerk.organisations.models import OrganisationKind
from tests.coverage.world import BONHEIDEN, GENT, LIER, MECHELEN, build
from tests.factories import OrganisationFactory, UserFactory, member

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


@pytest.fixture
def world():
    return build()


def regional(province="VAN"):
    region = OrganisationFactory(kind=OrganisationKind.REGION, province_id=province)
    return member(UserFactory(), region, Role.REGIONAL_COORDINATOR)


def user_with(role, kind):
    return member(UserFactory(), OrganisationFactory(kind=kind), role)


EN = {"Accept-Language": "en"}


def get(client, user, name="coverage:map", query=None, **kwargs):
    client.force_login(user)
    return client.get(reverse(name, kwargs=kwargs or None), query or {}, headers=EN)


def paths(html):
    return re.findall(r'<a href="/coverage/(\d{5})/[^"]*" class="bw-map-area"><title>([^<]*)', html)


def table_row(html, name):
    match = re.search(rf"<tr><th scope=\"row\"><a [^>]*>{re.escape(name)}</a></th>(.*?)</tr>", html)
    return re.findall(r'<td class="text-end">([^<]*)</td>', match.group(1))


def test_the_regional_coordinator_sees_their_province_with_exact_figures(client, world):
    response = get(client, regional("VAN"))
    html = response.content.decode()
    drawn = dict(paths(html))
    antwerp = set(Municipality.objects.filter(province="VAN").values_list("nis_code", flat=True))
    assert set(drawn) == antwerp  # one link per municipality of the province, no other
    assert GENT not in drawn
    assert drawn[MECHELEN] == "Mechelen: Referrals waiting 3"
    # The table under the map: waiting, median days, buddies, free places, duos, demand,
    # programmes.
    assert table_row(html, "Mechelen") == ["3", "20", "2", "3", "2", "1.0", "1"]
    assert table_row(html, "Bonheiden")[0] == "1"
    assert "White spots" in html and ">Bonheiden</a></h3>" in html
    assert html.count('<path d="') == len(antwerp)


def test_a_measure_is_chosen_with_a_link_and_htmx_swaps_only_the_map(client, world):
    user = regional("VAN")
    response = get(client, user, query={"measure": "free_places"})
    assert dict(paths(response.content.decode()))[MECHELEN] == "Mechelen: Free places 3"
    client.force_login(user)
    partial = client.get(
        reverse("coverage:map"), {"measure": "buddies"}, headers={**EN, "HX-Request": "true"}
    )
    text = partial.content.decode()
    assert text.lstrip().startswith('<div id="coverage">') and "<html" not in text
    assert dict(paths(text))[LIER] == "Lier: Available buddies 1"


def test_the_funder_sees_flanders_and_brussels_in_bands(client, world):
    response = get(client, user_with(Role.FUNDER, OrganisationKind.FUNDER))
    html = response.content.decode()
    drawn = dict(paths(html))
    assert len(drawn) == 304
    assert drawn[MECHELEN] == "Mechelen: Referrals waiting &lt;5"
    assert table_row(html, "Mechelen") == ["&lt;5", "–", "&lt;5", "&lt;5", "&lt;5", "1.0", "1"]
    assert "bands of five" in html
    # The CSV says what the page says.
    client.force_login(user_with(Role.FUNDER, OrganisationKind.FUNDER))
    rows = list(
        csv.reader(io.StringIO(client.get(reverse("coverage:csv"), headers=EN).content.decode()))
    )
    mechelen = next(row for row in rows if row[0] == MECHELEN)
    assert mechelen == [MECHELEN, "Mechelen", "<5", "–", "<5", "<5", "<5", "1.0", "1", "no"]
    bonheiden = next(row for row in rows if row[0] == BONHEIDEN)
    assert bonheiden[-1] == "yes"


def test_a_province_zoomed_in_and_a_province_outside_the_scope(client, world):
    admin = user_with(Role.PLATFORM_ADMIN, OrganisationKind.UMBRELLA)
    response = get(client, admin, query={"province": "VOV"})
    drawn = dict(paths(response.content.decode()))
    assert GENT in drawn and MECHELEN not in drawn
    assert get(client, regional("VAN"), query={"province": "VOV"}).status_code == 404


def test_the_programme_coordinator_sees_coverage_and_where_referrals_come_from(client, world):
    coordinator = member(UserFactory(), world.p1, Role.PROGRAMME_COORDINATOR)
    html = get(client, coordinator).content.decode()
    drawn = dict(paths(html))
    # Coverage (Mechelen, Lier) and the origin of a waiting referral (Bonheiden).
    assert set(drawn) == {MECHELEN, LIER, BONHEIDEN}
    assert table_row(html, "Mechelen")[0] == "3"
    assert get(client, coordinator, "coverage:municipality", nis_code=GENT).status_code == 404
    page = get(client, coordinator, "coverage:municipality", nis_code=BONHEIDEN)
    assert page.status_code == 200
    assert "Buddy Mechelen (kaart)" in page.content.decode()


def test_a_municipality_outside_the_scope_does_not_exist(client, world):
    user = regional("VAN")
    assert get(client, user, "coverage:municipality", nis_code=GENT).status_code == 404
    assert get(client, user, "coverage:municipality", nis_code="99999").status_code == 404
    page = get(client, user, "coverage:municipality", nis_code=MECHELEN).content.decode()
    assert "<h1>Mechelen</h1>" in page


def test_others_may_not_open_the_map(client, world):
    school = user_with(Role.SCHOOL_STAFF, OrganisationKind.SCHOOL)
    assert get(client, school).status_code == 403
    client.logout()
    assert client.get(reverse("coverage:map")).status_code == 302


def test_the_map_page_costs_a_fixed_number_of_queries(client, world):
    user = regional("VAN")
    client.force_login(user)
    client.get(reverse("coverage:map"))  # warm the gazetteer and the drawing
    with CaptureQueriesContext(connection) as first:
        client.get(reverse("coverage:map"))
    build()
    build()
    with CaptureQueriesContext(connection) as second:
        client.get(reverse("coverage:map"))
    assert len(first) == len(second)
