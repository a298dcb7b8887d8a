"""Point 1 of issue 18: one versioned API, its committed OpenAPI document, its docs page,
and the open-data operations that call the finder's own form and selectors."""

import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client

from buddywerk.api.management.commands.api_schema import DOCUMENT, schema_text
from buddywerk.geo.models import Municipality
from tests.factories import ProgrammeFactory

pytestmark = pytest.mark.django_db

MECHELEN, BONHEIDEN, GENT = "12025", "12005", "44021"


def _programme(name, nis_codes, **kwargs):
    return ProgrammeFactory(
        name=name, municipalities=Municipality.objects.filter(nis_code__in=nis_codes), **kwargs
    )


def test_the_committed_openapi_document_matches_the_code():
    """CI fails when an operation changes without `manage.py api_schema`."""
    assert DOCUMENT.read_text() == schema_text(), "run `uv run python manage.py api_schema`"
    call_command("api_schema", "--check")


def test_the_check_fails_on_a_stale_document(tmp_path, monkeypatch):
    stale = tmp_path / "openapi-v1.json"
    stale.write_text(schema_text().replace('"3.1.0"', '"3.0.0"'))
    monkeypatch.setattr("buddywerk.api.management.commands.api_schema.DOCUMENT", stale)
    with pytest.raises(CommandError):
        call_command("api_schema", "--check")


def test_openapi_31_is_served_under_v1():
    response = Client().get("/api/v1/openapi.json")
    assert response.status_code == 200
    document = response.json()
    assert document["openapi"] == "3.1.0"
    assert document["info"]["version"] == "1"
    assert all(path.startswith("/api/v1/") for path in document["paths"])
    assert document == json.loads(DOCUMENT.read_text())


def test_the_docs_page_loads_nothing_from_elsewhere():
    response = Client().get("/api/v1/docs")
    assert response.status_code == 200
    html = response.content.decode()
    assert "/static/ninja/swagger-ui-bundle.js" in html
    assert "cdn" not in html.lower()


def test_the_finder_operation_gives_what_the_finder_page_gives():
    _programme(
        "Buddy Mechelen",
        [MECHELEN],
        meeting_modes=["school"],
        target_school_years=[1, 6],
        contact_email="info@buddy.example",
    )
    _programme("Buddy Bonheiden", [BONHEIDEN])
    _programme("Buddy Gent", [GENT])
    response = Client().get("/api/v1/programmes", {"q": "2800", "km": 10})
    assert response.status_code == 200
    names = [row["programme"]["name"] for row in response.json()]
    assert names == ["Buddy Mechelen", "Buddy Bonheiden"]
    first = response.json()[0]
    assert first["covers_place"] is True
    assert first["programme"]["coverage"] == [{"nis_code": MECHELEN, "name": "Mechelen"}]
    assert first["programme"]["contact"]["email"] == "info@buddy.example"
    assert first["programme"]["target_school_years"] == [1, 6]
    # The same filters as the page: school year 3 is not a target year.
    response = Client().get("/api/v1/programmes", {"q": "2800", "year": 3})
    assert response.json() == []


def test_the_finder_operation_needs_no_token_and_keeps_its_queries_few(
    django_assert_max_num_queries,
):
    for i in range(5):
        _programme(f"Buddy {i}", [MECHELEN, BONHEIDEN])
    with django_assert_max_num_queries(3):
        response = Client().get("/api/v1/programmes", {"q": "Mechelen"})
    assert len(response.json()) == 5


def test_a_bad_place_is_refused_with_the_finder_s_message():
    response = Client().get("/api/v1/programmes", {"q": "9999"})
    assert response.status_code == 422
    assert "9999" in json.dumps(response.json(), ensure_ascii=False)


def test_one_programme_and_an_unknown_one():
    programme = _programme("Buddy Mechelen", [MECHELEN])
    response = Client().get(f"/api/v1/programmes/{programme.uuid}")
    assert response.status_code == 200
    assert response.json()["name"] == "Buddy Mechelen"
    missing = Client().get("/api/v1/programmes/00000000-0000-4000-8000-000000000000")
    assert missing.status_code == 404
