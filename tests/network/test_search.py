"""The Dutch full-text search of the practice database: stemming, facets, no match."""

import pytest

from buddywerk.network.search import PracticeFilters, practice_facets, practice_search
from tests.network.factories import PracticeFactory, category, domain, municipality, target

pytestmark = pytest.mark.django_db


def _titles(**filters):
    return [p.title for p in practice_search(PracticeFilters(**filters))]


def test_apostrophe_plural_finds_the_singular():
    PracticeFactory(title="Een buddy voor elk kind")
    PracticeFactory(title="Huiswerkklas", summary="Vrijwilligers helpen met het huiswerk.")
    assert _titles(q="buddy's") == ["Een buddy voor elk kind"]


def test_plural_finds_singular_and_back():
    PracticeFactory(title="Samen met het gezin op stap")
    PracticeFactory(title="Huiswerkklas", summary="Vrijwilligers helpen met het huiswerk.")
    assert _titles(q="gezinnen") == ["Samen met het gezin op stap"]
    PracticeFactory(title="Tandem voor nieuwe gezinnen")
    assert sorted(_titles(q="gezin")) == [
        "Samen met het gezin op stap",
        "Tandem voor nieuwe gezinnen",
    ]


def test_every_word_must_match_and_title_ranks_first():
    PracticeFactory(
        title="Taalkamp", summary="Kinderen oefenen Nederlands op een taalkamp met buddy."
    )
    PracticeFactory(
        title="Buddy op school", summary="Een student begeleidt een leerling op school."
    )
    PracticeFactory(title="Leesclub", summary="Kinderen lezen samen in de bibliotheek.")
    assert _titles(q="buddy") == ["Buddy op school", "Taalkamp"]
    assert _titles(q="buddy taalkamp") == ["Taalkamp"]


def test_no_match_gives_nothing():
    PracticeFactory(title="Een buddy voor elk kind")
    assert _titles(q="zwembad") == []
    assert _titles(q="!!!") in ([], ["Een buddy voor elk kind"])


def test_unpublished_sheets_are_not_found():
    PracticeFactory(title="Een buddy voor elk kind", is_published=False)
    assert _titles(q="buddy") == []


def test_facets_filter_and_count():
    gent, mechelen = municipality("44021"), municipality("12025")
    PracticeFactory(
        title="Gezinsbuddy Gent",
        places=[gent],
        categories=[category("gezinsbuddy")],
        policy_domains=[domain("sociaal-beleid")],
        target_groups=[target("gezinnen")],
    )
    PracticeFactory(
        title="Buddy Mechelen",
        places=[mechelen],
        categories=[category("schoolbuddy")],
        policy_domains=[domain("onderwijs")],
        target_groups=[target("basisonderwijs")],
    )
    PracticeFactory(
        title="Buddy in twee steden",
        places=[gent, mechelen],
        categories=[category("schoolbuddy"), category("gezinsbuddy")],
    )
    assert sorted(_titles(provinces=["VOV"])) == ["Buddy in twee steden", "Gezinsbuddy Gent"]
    assert _titles(provinces=["VAN"], categories=["gezinsbuddy"]) == ["Buddy in twee steden"]
    assert _titles(q="buddy", policy_domains=["onderwijs"]) == ["Buddy Mechelen"]

    facets = {
        f.param: {o.code: o.n for o in f.options}
        for f in practice_facets(practice_search(PracticeFilters()))
    }
    assert facets["province"] == {"VOV": 2, "VAN": 2}
    assert facets["category"] == {"gezinsbuddy": 2, "schoolbuddy": 2}
    assert facets["domain"] == {"sociaal-beleid": 1, "onderwijs": 1}
    assert facets["target"] == {"gezinnen": 1, "basisonderwijs": 1}

    narrowed = practice_search(PracticeFilters(provinces=["VOV"], q="gezin"))
    facets = {f.param: {o.code: o.n for o in f.options} for f in practice_facets(narrowed)}
    # Both Gent sheets mention a family (gezin); one of them also runs in Mechelen.
    assert facets["province"] == {"VOV": 2, "VAN": 1}


def test_search_page_is_a_shareable_url(client, django_assert_max_num_queries):
    for n in range(12):
        PracticeFactory(title=f"Gezinsbuddy {n}", places=[municipality("44021")])
    PracticeFactory(title="Schoolbuddy Mechelen", places=[municipality("12025")])
    with django_assert_max_num_queries(14):
        response = client.get("/network/practices/", {"q": "gezinnen", "province": "VOV"})
    assert response.status_code == 200
    body = response.content.decode()
    assert "Gezinsbuddy 3" in body
    assert "Schoolbuddy Mechelen" not in body
    assert 'value="VOV" id="f-province-VOV" checked' in body
    response = client.get("/network/practices/", {"q": "zwembad"})
    assert response.context["page"].paginator.count == 0
    assert "Geen enkele praktijk past bij je zoekopdracht" in response.content.decode()
