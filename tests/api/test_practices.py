"""Open data (issue 18, point 3): the published practice sheets, searched and faceted as on
the page, without a token; cursor-paginated."""

import pytest
from django.test import Client

from tests.network.factories import PracticeFactory, category

pytestmark = pytest.mark.django_db


def test_search_with_facets_as_the_page_and_no_token():
    PracticeFactory(title="Een buddy voor elk kind", categories=[category("gezinsbuddy")])
    PracticeFactory(
        title="Huiswerkklas",
        summary="Vrijwilligers helpen met het huiswerk.",
        categories=[category("schoolbuddy")],
    )
    PracticeFactory(title="Verborgen buddy", is_published=False)
    response = Client().get("/api/v1/practices", {"q": "buddy's"})
    assert response.status_code == 200
    body = response.json()
    assert [p["title"] for p in body["items"]] == ["Een buddy voor elk kind"]
    counts = {f["param"]: {o["code"]: o["count"] for o in f["options"]} for f in body["facets"]}
    assert counts["category"] == {"gezinsbuddy": 1}
    chosen = Client().get("/api/v1/practices", {"category": "gezinsbuddy"}).json()
    assert [p["title"] for p in chosen["items"]] == ["Een buddy voor elk kind"]


def test_an_unknown_facet_value_is_refused_and_pages_follow_cursors():
    assert Client().get("/api/v1/practices", {"category": "nope"}).status_code == 422
    for i in range(5):
        PracticeFactory(title=f"Sheet {i}")
    titles, cursor = [], None
    while True:
        params = {"limit": 2, **({"cursor": cursor} if cursor else {})}
        page = Client().get("/api/v1/practices", params).json()
        titles += [p["title"] for p in page["items"]]
        cursor = page["next_cursor"]
        if not cursor:
            break
    assert titles == [f"Sheet {i}" for i in range(5)]
    assert Client().get("/api/v1/practices", {"cursor": "x!"}).status_code == 422


def test_one_sheet_and_an_unpublished_one():
    sheet = PracticeFactory(title="Taalkamp")
    hidden = PracticeFactory(title="Verborgen", is_published=False)
    assert Client().get(f"/api/v1/practices/{sheet.uuid}").json()["title"] == "Taalkamp"
    assert Client().get(f"/api/v1/practices/{hidden.uuid}").status_code == 404
