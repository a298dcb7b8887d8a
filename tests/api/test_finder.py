"""Issue 18, point 3: the finder operation filters by postcode (or municipality) and by
distance exactly as the public finder page does: the same form and selector, so the same
programmes in the same order for every query."""

import pytest
from django.test import Client
from django.urls import reverse

from buddywerk.geo.models import Municipality
from tests.factories import ProgrammeFactory

pytestmark = pytest.mark.django_db

MECHELEN, BONHEIDEN, GENT = "12025", "12005", "44021"


def _programme(name, nis_codes):
    return ProgrammeFactory(
        name=name, municipalities=Municipality.objects.filter(nis_code__in=nis_codes)
    )


@pytest.mark.parametrize(
    "query",
    [
        {"q": "2800"},
        {"q": "2800", "km": "5"},
        {"q": "2800", "km": "10"},
        {"q": "2800", "km": "50"},
        {"q": "9000", "km": "10"},
        {"q": "Bonheiden", "km": "5"},
    ],
)
def test_the_finder_operation_filters_by_postcode_and_distance_as_the_page(query):
    _programme("Buddy Mechelen", [MECHELEN])
    _programme("Buddy Bonheiden", [BONHEIDEN])
    _programme("Buddy Gent", [GENT])
    page = Client().get(reverse("organisations:finder"), query)
    expected = [(r.programme.name, round(r.distance_km, 1)) for r in page.context["results"]]
    response = Client().get("/api/v1/programmes", query)
    assert response.status_code == 200
    found = [(r["programme"]["name"], r["distance_km"]) for r in response.json()]
    assert found == expected
    assert found  # each query finds something: the comparison is not vacuous


def test_distance_widens_the_result():
    _programme("Buddy Mechelen", [MECHELEN])
    _programme("Buddy Gent", [GENT])
    near = Client().get("/api/v1/programmes", {"q": "2800", "km": "5"}).json()
    far = Client().get("/api/v1/programmes", {"q": "2800", "km": "100"}).json()
    assert [r["programme"]["name"] for r in near] == ["Buddy Mechelen"]
    assert [r["programme"]["name"] for r in far] == ["Buddy Mechelen", "Buddy Gent"]
    assert far[1]["distance_km"] > 30 and far[1]["covers_place"] is False
