"""The public finder: places with typos, distance, filters, reasons, bad input, queries."""

import re

import pytest
from django.urls import reverse

from buddywerk.geo.models import Municipality
from buddywerk.geo.places import place_lookup
from buddywerk.organisations.models import ParticipantKind
from buddywerk.organisations.selectors import FinderCriteria, programme_find
from tests.factories import ProgrammeFactory

pytestmark = pytest.mark.django_db

MECHELEN, BONHEIDEN, GENT, LEUVEN = "12025", "12005", "44021", "24062"


def _programme(name, nis_codes, **kwargs):
    return ProgrammeFactory(
        name=name, municipalities=Municipality.objects.filter(nis_code__in=nis_codes), **kwargs
    )


def _criteria(text, **kwargs):
    return FinderCriteria(place=place_lookup(text).place, **kwargs)


def _names(results):
    return [r.programme.name for r in results]


def _text(response):
    html = response.content.decode()
    main = html[html.index("<main") : html.index("</main>")]
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", main))


def test_a_programme_matches_where_it_works_and_not_elsewhere():
    _programme("Buddy Mechelen", [MECHELEN])
    _programme("Buddy Gent", [GENT])
    for text in ("2800", "2801", "Mechelen", "mechelen", "Mechlen", "Heffen", "Malines"):
        assert _names(programme_find(_criteria(text))) == ["Buddy Mechelen"], text
    assert _names(programme_find(_criteria("Bonheiden"))) == []


def test_distance_takes_in_covered_municipalities_nearby():
    _programme("Buddy Mechelen", [MECHELEN])
    _programme("Buddy Gent", [GENT])
    _programme("Buddy Bonheiden", [BONHEIDEN])
    results = programme_find(_criteria("Bonheiden", km=10))
    assert _names(results) == ["Buddy Bonheiden", "Buddy Mechelen"]
    own, near = results
    assert own.covers_place and own.distance_km == 0
    assert not near.covers_place and 0 < near.distance_km <= 10
    assert near.reasons[0] == f"op {near.distance_rounded} km: werkt in Mechelen"
    assert own.reasons[0] == "werkt in Bonheiden"
    assert _names(programme_find(_criteria("Bonheiden", km=0))) == ["Buddy Bonheiden"]
    assert "Buddy Gent" in _names(programme_find(_criteria("Bonheiden", km=200)))


def test_filters_on_participants_school_year_mode_and_buddy_kind():
    _programme(
        "Pupils 6",
        [MECHELEN],
        participant_kind=ParticipantKind.PUPILS,
        target_school_years=[6, 7],
        meeting_modes=["school"],
        buddy_kinds=["student"],
    )
    _programme("Families", [MECHELEN], participant_kind=ParticipantKind.FAMILIES)
    _programme("Both, no lists", [MECHELEN], participant_kind=ParticipantKind.BOTH)
    find = lambda **kw: _names(programme_find(_criteria("2800", **kw)))  # noqa: E731
    assert find() == ["Both, no lists", "Families", "Pupils 6"]
    assert find(participant_kind="families") == ["Both, no lists", "Families"]
    assert find(participant_kind="pupils") == ["Both, no lists", "Pupils 6"]
    assert find(school_year=6) == ["Both, no lists", "Pupils 6"]
    assert find(school_year=3) == ["Both, no lists"]
    assert find(mode="home") == ["Both, no lists", "Families"]
    assert find(mode="school") == ["Both, no lists", "Families", "Pupils 6"]
    assert find(buddy_kind="teacher") == ["Both, no lists", "Families"]


def test_reasons_say_why_a_programme_matches():
    _programme("Pupils 6", [MECHELEN], target_school_years=[6], meeting_modes=["school"])
    (result,) = programme_find(_criteria("Mechelen", school_year=6, mode="school"))
    assert result.reasons[0] == "werkt in Mechelen"
    assert len(result.reasons) == 3  # place, school year, mode
    assert result.reasons[2] == "spreekt af: op school"


def test_the_volunteer_direction_shows_only_programmes_taking_buddies():
    _programme("Open", [MECHELEN], accepts_buddies=True)
    _programme("Closed", [MECHELEN], accepts_buddies=False)
    assert _names(programme_find(_criteria("2800"))) == ["Closed", "Open"]
    results = programme_find(_criteria("2800", for_buddies=True))
    assert _names(results) == ["Open"]
    assert "zoekt nu nieuwe buddy’s" in results[0].reasons


def test_finder_page_shows_results_with_reasons_and_registration_links(client):
    programme = _programme("Buddy Mechelen", [MECHELEN])
    response = client.get(reverse("organisations:finder"), {"q": "Mechlen"})
    assert response.status_code == 200
    text = _text(response)
    assert "1 buddywerking voor Mechelen" in text
    assert "Je typte “Mechlen”; we zochten naar Mechelen." in text
    assert "werkt in Mechelen" in text
    detail = reverse("organisations:programme_detail", args=[programme.uuid])
    html = response.content.decode()
    assert f'href="{detail}#register-buddy"' in html
    assert f'href="{detail}#register-school"' in html


def test_finder_without_a_query_shows_only_the_form(client):
    response = client.get(reverse("organisations:finder"))
    assert response.status_code == 200
    assert "buddywerking voor" not in _text(response)
    assert 'method="get"' in response.content.decode()


def test_htmx_gets_only_the_finder_fragment(client):
    _programme("Buddy Mechelen", [MECHELEN])
    response = client.get(
        reverse("organisations:finder"), {"q": "2800"}, headers={"HX-Request": "true"}
    )
    html = response.content.decode()
    assert html.lstrip().startswith('<div id="finder">')
    assert "<html" not in html
    assert "Buddy Mechelen" in html


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"q": "2805"}, "De Belgische postcode 2805 bestaat niet."),
        ({"q": "xyzzy"}, "We kennen geen gemeente of postcode “xyzzy”."),
        ({"q": "123"}, "Een Belgische postcode heeft vier cijfers."),
        ({"q": ""}, "Vul een postcode of een gemeente in."),
        ({"q": "2800", "km": "-5"}, "Kies een afstand tussen 0 en 200 km."),
        ({"q": "2800", "km": "10000"}, "Kies een afstand tussen 0 en 200 km."),
        ({"q": "2800", "km": "veel"}, "Vul de afstand in als een geheel aantal kilometer."),
        ({"q": "2800", "year": "99"}, "Selecteer een geldige keuze."),
    ],
)
def test_bad_input_gets_a_dutch_message_and_no_results(client, params, message):
    _programme("Buddy Mechelen", [MECHELEN])
    response = client.get(reverse("organisations:finder"), params)
    assert response.status_code == 200
    text = _text(response)
    assert message in text
    assert "Buddy Mechelen" not in text
    assert 'aria-invalid="true"' in response.content.decode()


def test_unknown_postcode_offers_nearby_postcodes_as_links(client):
    response = client.get(reverse("organisations:finder"), {"q": "2805", "km": "5"})
    html = response.content.decode()
    assert "Bedoelde je een van deze plaatsen?" in _text(response)
    assert "?q=2800&amp;km=5" in html


def test_join_page_is_the_volunteers_direction(client):
    _programme("Open", [MECHELEN], buddy_kinds=["student"])
    _programme("Closed", [MECHELEN], accepts_buddies=False)
    _programme("Teachers only", [MECHELEN], buddy_kinds=["teacher"])
    response = client.get(reverse("organisations:join"), {"q": "2800", "kind": "student"})
    text = _text(response)
    assert "Open" in text
    assert "Closed" not in text
    assert "Teachers only" not in text


def test_programme_detail_is_public_and_explains_how_to_take_part(client):
    programme = _programme(
        "Buddy Mechelen",
        [MECHELEN, BONHEIDEN],
        target_school_years=[6],
        meeting_modes=["school"],
        contact_email="buddy@example.org",
    )
    response = client.get(reverse("organisations:programme_detail", args=[programme.uuid]))
    assert response.status_code == 200
    text = _text(response)
    assert "Bonheiden, Mechelen" in text
    assert "Deze buddywerking zoekt nu buddy’s." in text
    assert reverse("organisations:school_register") in response.content.decode()


def test_finder_query_count_does_not_grow_with_programmes(client, django_assert_max_num_queries):
    for n in range(30):
        _programme(f"Programme {n}", [MECHELEN, BONHEIDEN, LEUVEN])
    place_lookup("2800")  # the gazetteer is built once per process
    with django_assert_max_num_queries(4):
        response = client.get(reverse("organisations:finder"), {"q": "Mechlen", "km": "30"})
    assert response.status_code == 200
    assert "30 buddywerkingen" in _text(response)
