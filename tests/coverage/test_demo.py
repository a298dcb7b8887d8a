"""The demo (issue 19, "Done when"): the regional coordinator for Antwerpen sees a map with
waiting pupils and free places; the public finder for 2800 shows Buddy Mechelen's area."""

import re

import pytest
from django.urls import reverse

from buddywerk.demo.people import person
from buddywerk.demo.world import build_world
from buddywerk.geo.models import Municipality

pytestmark = pytest.mark.django_db
EN = {"Accept-Language": "en"}


def titles(html):
    return dict(re.findall(r'class="bw-map-area"><title>([^<:]*): ([^<]*)</title>', html))


def test_the_demo_region_antwerpen_and_the_finder_for_2800(client):
    # One test: the demo world takes minutes to build on a busy machine.
    build_world()
    client.force_login(person("regio.antwerpen"))
    waiting = titles(client.get(reverse("coverage:map"), headers=EN).content.decode())
    # Every municipality of the province of Antwerpen (67 since the 2025 mergers).
    assert len(waiting) == Municipality.objects.filter(province="VAN").count() == 67
    numbers = {name: int(text.rsplit(" ", 1)[1]) for name, text in waiting.items()}
    assert numbers["Mechelen"] > 0
    free = titles(
        client.get(reverse("coverage:map"), {"measure": "free_places"}, headers=EN).content.decode()
    )
    assert sum(int(text.rsplit(" ", 1)[1]) for text in free.values()) > 0

    client.logout()
    html = client.get(reverse("organisations:finder"), {"q": "2800"}, headers=EN).content.decode()
    assert 'id="finder-map"' in html
    areas = titles(html)
    assert "Mechelen" in areas and areas["Mechelen"].endswith("(the place you searched)")
    detail = re.search(r'href="(/programmes/[0-9a-f-]+/)">Buddy Mechelen</a>', html).group(1)
    page = client.get(detail, headers=EN).content.decode()
    assert "Mechelen: Buddy Mechelen works here" in page
