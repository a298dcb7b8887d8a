"""The shipped geography resolves every Flemish and Brussels postcode and municipality;
place lookups tolerate typos and explain what they could not find."""

import csv

import pytest
from django.conf import settings

from buddywerk.geo.models import Postcode
from buddywerk.geo.places import PlaceKind, gazetteer, normalise, place_lookup
from buddywerk.geo.selectors import postcode_resolve

pytestmark = pytest.mark.django_db


def _rows(name):
    with (settings.DATA_DIR / name).open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


SERVED = {"VLG", "BRU"}


def test_every_flemish_and_brussels_postcode_resolves_to_its_municipality_and_province():
    rows = [row for row in _rows("postcodes.csv") if row["region_code"] in SERVED]
    assert len(rows) > 500  # the whole file, not a sample
    database = {p.code: p for p in Postcode.objects.select_related("municipality__province")}
    for row in rows:
        place = place_lookup(row["postcode"]).place
        assert place is not None, row["postcode"]
        assert place.kind == PlaceKind.POSTCODE
        assert place.municipality.nis_code == row["nis_code"], row["postcode"]
        assert place.municipality.name == row["municipality_nl"]
        assert place.municipality.province_code == row["province_code"]
        assert place.municipality.province_name == row["province"]
        stored = database[row["postcode"]]
        assert stored.municipality_id == row["nis_code"]
        assert stored.municipality.province_id == row["province_code"]


def test_postcode_resolve_reads_the_database():
    postcode = postcode_resolve(" 2800 ")
    assert postcode.municipality.name == "Mechelen"
    assert postcode.municipality.province.name == "Antwerpen"
    assert postcode_resolve("2805") is None
    assert postcode_resolve("28a0") is None


def test_every_served_municipality_name_resolves_to_itself():
    rows = [row for row in _rows("municipalities.csv") if row["region_code"] in SERVED]
    assert len(rows) == 285 + 19
    for row in rows:
        for text in (row["municipality_nl"], row["municipality_nl"].upper()):
            lookup = place_lookup(text)
            assert lookup.place is not None, text
            assert lookup.place.municipality.nis_code == row["nis_code"], text
            assert not lookup.corrected


@pytest.mark.parametrize(
    ("text", "nis_code", "corrected"),
    [
        ("Mechelen", "12025", False),
        ("mechelen", "12025", False),
        ("Mechlen", "12025", True),
        ("Malines", "12025", False),
        ("2800", "12025", False),
        ("2800 Mechelen", "12025", False),
        ("Sint-Niklaas", "46021", False),
        ("sint niklaas", "46021", False),
        ("St-Niklaas", "46021", False),
        ("Gnet", "44021", True),
        ("Antwrpen", "11002", True),
        ("Kortrjik", "34022", True),
        ("Aalts", "41002", True),
        ("Heffen", "12025", False),
        ("Borgerhout", "11002", False),
    ],
)
def test_lookup_tolerates_case_hyphens_typos_and_localities(text, nis_code, corrected):
    lookup = place_lookup(text)
    assert lookup.place is not None
    assert lookup.place.municipality.nis_code == nis_code
    assert lookup.corrected is corrected


def test_a_locality_reads_back_with_its_postcode_and_municipality():
    place = place_lookup("Heffen").place
    assert place.kind == PlaceKind.LOCALITY
    assert place.label == "Heffen (2801 Mechelen)"
    assert place.query == "2801"


def test_unknown_postcode_suggests_the_nearest_existing_codes():
    lookup = place_lookup("2805")
    assert lookup.place is None
    assert [p.postcode for p in lookup.suggestions][:2] == ["2800", "2801"]


def test_ambiguous_or_unknown_names_give_suggestions_not_a_guess():
    lookup = place_lookup("Gen")
    assert lookup.place is None
    assert {p.municipality.name for p in lookup.suggestions} >= {"Gent", "Genk"}
    nothing = place_lookup("xyzzy qqq")
    assert nothing.place is None
    assert place_lookup("").place is None


def test_normalise():
    assert normalise("Sint-Jans-Molenbeek") == "sint jans molenbeek"
    assert normalise("  ÉCAUSSINNES ") == "ecaussinnes"
    assert normalise("St. Truiden") == "sint truiden"


def test_within_includes_the_own_municipality_and_only_nearby_ones():
    place = place_lookup("Mechelen").place
    near = gazetteer().within(place, 10)
    assert near["12025"] == 0.0
    assert "12005" in near  # Bonheiden, next door
    assert "44021" not in near  # Gent is far
    assert all(distance <= 10 for distance in near.values())
