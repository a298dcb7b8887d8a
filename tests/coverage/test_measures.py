"""The measures per municipality and the white-spot rule, counted by hand (issue 19 point
3; tests/coverage/world.py describes the world)."""

import math

import pytest

from buddywerk.coverage import measures as m
from buddywerk.coverage.published import publish
from tests.coverage.world import BONHEIDEN, GENT, LIER, MECHELEN, build

pytestmark = pytest.mark.django_db

CODES = [MECHELEN, LIER, BONHEIDEN, GENT, "11002"]


@pytest.fixture
def world():
    return build()


def test_every_measure_per_municipality(world):
    rows = m.measures(CODES, period=world.period, today=world.today)
    mechelen, lier, bonheiden, gent = (rows[c] for c in (MECHELEN, LIER, BONHEIDEN, GENT))
    assert (mechelen.waiting, mechelen.median_days) == (3, 20)
    # B5's duo, closed today, was active during the period but takes no place now.
    assert (mechelen.buddies, mechelen.free_places, mechelen.duos) == (2, 3, 2)
    assert mechelen.programmes == 1
    assert mechelen.demand_per_place == 1.0
    assert (lier.waiting, lier.buddies, lier.free_places, lier.duos, lier.programmes) == (
        0,
        1,
        0,
        1,
        1,
    )
    assert lier.demand_per_place is None and lier.median_days is None
    assert (bonheiden.waiting, bonheiden.median_days, bonheiden.programmes) == (1, 5, 0)
    assert math.isinf(bonheiden.demand_per_place)
    assert (gent.waiting, gent.median_days, gent.programmes, gent.free_places) == (1, 3, 1, 0)
    antwerpen = rows["11002"]
    assert (antwerpen.waiting, antwerpen.buddies, antwerpen.duos, antwerpen.programmes) == (
        0,
        0,
        0,
        0,
    )


def test_white_spots_are_waiting_without_a_programme_or_above_the_threshold(world):
    rows = m.measures(CODES, period=world.period, today=world.today)
    spots = {c for c, row in rows.items() if publish(row, False).white_spot}
    # Bonheiden: no programme; Gent: no free place. Mechelen (1.0 per place) is not,
    # nor Lier and Antwerpen (nobody waits).
    assert spots == {BONHEIDEN, GENT}
    assert m.is_white_spot(waiting=5, programmes=1, demand=2.5)
    assert not m.is_white_spot(waiting=4, programmes=1, demand=2.0)
    assert not m.is_white_spot(waiting=0, programmes=0, demand=None)


def test_a_programme_scope_counts_only_its_own_work(world):
    rows = m.measures(CODES, period=world.period, today=world.today, programme_ids=[world.p2.pk])
    assert rows[GENT].waiting == 1 and rows[GENT].programmes == 1
    assert rows[MECHELEN].waiting == 0 and rows[MECHELEN].buddies == 0
    assert rows[MECHELEN].programmes == 0


def test_nearest_programmes_and_teacher_training_institutions(world):
    rows = m.measures([BONHEIDEN], period=world.period, today=world.today)
    points = m.municipality_points()
    programmes = m.nearest_programmes(BONHEIDEN, m.programme_areas())
    assert programmes[0].name == "Buddy Mechelen (kaart)"
    assert programmes[0].km < 10
    institutions = m.nearest_institutions(rows[BONHEIDEN], points)
    assert len(institutions) == 3
    assert institutions == sorted(institutions, key=lambda n: n.km)
    # Lier's campus (about 12 km), then the two in Leuven (about 19 km; Antwerpen's are
    # about 24 km away).
    assert institutions[0].name.startswith("AP Hogeschool Antwerpen, Lier")
    assert {n.name.split(",")[0] for n in institutions[1:]} == {
        "KU Leuven",
        "UC Leuven-Limburg (UCLL)",
    }


def test_the_funder_reads_bands_and_demand_from_the_bands(world):
    rows = m.measures(CODES, period=world.period, today=world.today)
    mechelen = publish(rows[MECHELEN], True)
    assert mechelen.cells["waiting"].text == "<5"
    assert mechelen.cells["buddies"].text == "<5"
    assert mechelen.cells["median_days"].text == "–"  # under five referrals: hidden
    assert mechelen.cells["demand"].text == "1,0"  # 2.5 / 2.5, the middles of "<5"
    assert mechelen.cells["programmes"].text == "1"
    exact = publish(rows[MECHELEN], False)
    assert exact.cells["waiting"].text == "3" and exact.cells["median_days"].text == "20"


def test_measures_cost_a_fixed_number_of_queries(world, django_assert_num_queries):
    with django_assert_num_queries(5):
        m.measures(CODES, period=world.period, today=world.today)
    build()  # twice the data, the same queries
    with django_assert_num_queries(5):
        m.measures(CODES, period=world.period, today=world.today, programme_ids=[world.p1.pk])
