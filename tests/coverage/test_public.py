"""The public maps (issue 19 point 4): the finder's result page shows a small map of the
programmes found near the postcode searched, and a programme's page its coverage area."""

import re

import pytest
from django.urls import reverse

from buddywerk.geo.models import Municipality
from tests.coverage.world import build

pytestmark = pytest.mark.django_db
EN = {"Accept-Language": "en"}


def linked(html, map_id):
    svg = re.search(rf'<svg [^>]*id="{map_id}">.*?</svg>', html, re.S)
    assert svg, f"no {map_id}"
    return dict(
        re.findall(
            r'<a href="/programmes/\?q=[^"]*" class="bw-map-area"><title>([^<:]*): ([^<]*)',
            svg.group(0),
        )
    )


def test_the_finder_for_2800_shows_the_programmes_area(client):
    build()
    html = client.get(reverse("organisations:finder"), {"q": "2800"}, headers=EN).content.decode()
    areas = linked(html, "finder-map")
    # Buddy Mechelen (kaart) covers Mechelen and Lier: both coloured, with Mechelen named
    # as the place searched; Gent's programme was not found, so Gent is not a link.
    assert set(areas) == {"Mechelen", "Lier"}
    assert areas["Mechelen"] == "1 of the programmes found work here (the place you searched)"
    assert "Gent" not in areas
    # The rest of the province is drawn blank around them, without links.
    assert html.count('aria-hidden="true"></path>') == (
        Municipality.objects.filter(province="VAN").count() - 2
    )


def test_a_programme_page_shows_its_coverage_area(client):
    world = build()
    url = reverse("organisations:programme_detail", args=[world.p1.uuid])
    areas = linked(client.get(url, headers=EN).content.decode(), "programme-map")
    assert areas == {
        "Mechelen": "Buddy Mechelen (kaart) works here",
        "Lier": "Buddy Mechelen (kaart) works here",
    }
