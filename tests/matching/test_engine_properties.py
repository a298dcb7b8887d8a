"""Property-based tests of the engine against the plain reference (hypothesis).

Small random instances around one town, so that radii, capacities and every constraint bite.
"""

import random
from datetime import date, timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from buddywerk.matching.engine import CONSTRAINTS, TAKEN, Buddy, Problem, Referral, Weights

from . import reference as ref

SLOTS = ["mon-pm", "wed-pm", "fri-after"]
LANGS = ["nl", "ar", "fr"]
COMPS = ["maths", "dutch", "homework"]
MODES = ["school", "home", "online"]
SECTORS = ["care", "construction", "tech"]  # issue 21
TRACKS = ["aso", "tso", "bso"]
TAGS = ["changed_track", "first_generation", "late_bloomer"]
DAY0 = date(2026, 1, 1)


@pytest.fixture(autouse=True)
def _clear_cache():
    """Overrides the project-wide cache reset: the engine uses neither cache nor database,
    and these tests hold it to that (pytest-django refuses database access here)."""
    yield


PROPERTY = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def subset(items, min_size=0):
    return st.frozensets(st.sampled_from(items), min_size=min_size)


def lat():
    # a grid of ~100 m steps: hypothesis likes the ends of a float range, a grid spreads the
    # distances so that travel radii actually cut between pairs
    return st.integers(0, 100).map(lambda k: 50.95 + k * 0.001)


def lon():
    return st.integers(0, 100).map(lambda k: 4.40 + k * 0.0016)


def maybe_day():
    return st.one_of(st.none(), st.integers(0, 60).map(lambda n: DAY0 + timedelta(days=n)))


@st.composite
def buddies(draw, i):
    return Buddy(
        id=f"b{i}",
        lat=draw(lat()),
        lon=draw(lon()),
        radius_km=draw(st.sampled_from([0, 2.5, 5, 7.25, 10, 15])),
        capacity=draw(st.integers(0, 2)),
        active=draw(st.sampled_from([0, 0, 0, 1])),
        modes=draw(subset(MODES, 1)),
        slots=draw(subset(SLOTS)),
        languages=draw(subset(LANGS)),
        competences=draw(subset(COMPS)),
        level=draw(st.sampled_from(["junior", "expert"])),
        screened=draw(st.booleans()),
        screened_until=draw(maybe_day()),
        missing_modules=draw(st.sampled_from([frozenset(), frozenset(), frozenset({"m1"})])),
        missing_minor_modules=draw(
            st.sampled_from([frozenset(), frozenset(), frozenset({"m2"}), frozenset({"m1", "m2"})])
        ),
        approved=draw(st.sampled_from([True, True, True, False])),
        available=draw(st.sampled_from([True, True, True, False])),
        available_from=draw(maybe_day()),
        available_until=draw(maybe_day()),
        sector=draw(st.one_of(st.none(), st.sampled_from(SECTORS))),
        tracks=draw(subset(TRACKS)),
        tags=draw(subset(TAGS)),
    )


@st.composite
def referrals(draw, i):
    start = draw(maybe_day())
    end = draw(maybe_day())
    if start and end and start > end:
        start, end = end, start
    planned_end = draw(maybe_day())
    shortest_end = draw(maybe_day())
    if planned_end and shortest_end and shortest_end > planned_end:
        planned_end, shortest_end = shortest_end, planned_end
    return Referral(
        id=f"r{i}",
        lat=draw(lat()),
        lon=draw(lon()),
        modes=draw(subset(MODES, 1)),
        slots=draw(subset(SLOTS, 1)),
        needs=draw(subset(COMPS, 1)),
        minor=draw(st.booleans()),
        urgency=draw(st.sampled_from([1, 2, 3])),
        complexity=draw(st.sampled_from(["low", "normal", "high"])),
        contact_language=draw(st.one_of(st.none(), st.sampled_from(LANGS))),
        home_languages=draw(subset(LANGS)),
        start=start,
        end=end,
        planned_end=planned_end,
        shortest_end=shortest_end,
        # a sector or track no buddy has is possible too (it never fits)
        sector=draw(st.one_of(st.none(), st.sampled_from([*SECTORS, "retail"]))),
        track=draw(st.one_of(st.none(), st.sampled_from([*TRACKS, "kso"]))),
        tags=draw(subset([*TAGS, "other"])),
    )


@st.composite
def instances(draw, max_buddies=4, max_referrals=5):
    nb = draw(st.integers(0, max_buddies))
    nr = draw(st.integers(0, max_referrals))
    bs = [draw(buddies(i)) for i in range(nb)]
    rs = [draw(referrals(i)) for i in range(nr)]
    weights = draw(
        st.sampled_from(
            [
                Weights(),
                Weights(urgency_percent=150),
                Weights(
                    distance=600, slots=100, needs=100, language=100, fit=100, online_percent=90
                ),
                # issue 21: a mentor and role-model programme weighs the new parts
                Weights(
                    distance=200,
                    slots=100,
                    needs=150,
                    language=50,
                    fit=100,
                    sector=200,
                    track=100,
                    tags=100,
                ),
                Weights(
                    distance=100,
                    slots=100,
                    needs=100,
                    language=100,
                    fit=100,
                    sector=0,
                    track=250,
                    tags=250,
                    urgency_percent=50,
                ),
            ]
        )
    )
    return bs, rs, weights


def by_id(items):
    return {x.id: x for x in items}


@PROPERTY
@given(instances())
def test_every_assignment_meets_every_hard_constraint_and_no_capacity_is_exceeded(case):
    bs, rs, w = case
    batch = Problem(bs, rs, w).solve()
    b, r = by_id(bs), by_id(rs)
    load = {}
    for a in batch.assignments:
        assert ref.broken(b[a.buddy], r[a.referral]) == []
        assert a.score == ref.score(b[a.buddy], r[a.referral], w)
        load[a.buddy] = load.get(a.buddy, 0) + 1
    for buddy_id, n in load.items():
        assert n <= b[buddy_id].capacity - b[buddy_id].active
    assert len({a.referral for a in batch.assignments}) == len(batch.assignments)


@PROPERTY
@given(instances())
def test_matched_count_and_total_score_equal_the_brute_force_optimum(case):
    bs, rs, w = case
    batch = Problem(bs, rs, w).solve()
    count, value = ref.brute_force(bs, rs, w)
    assert batch.figures.matched == count
    weighted = sum(
        a.score * w.urgency_multiplier(by_id(rs)[a.referral].urgency) for a in batch.assignments
    )
    assert weighted == value
    assert batch.figures.objective * 100 == weighted or w.urgency_percent


@PROPERTY
@given(instances())
def test_the_feasible_pairs_are_exactly_the_reference_pairs_with_the_same_scores(case):
    bs, rs, w = case
    problem = Problem(bs, rs, w)
    pairs = problem.pairs()
    got = {
        (problem.referral_ids[r], problem.buddy_ids[b]): int(s)
        for r, b, s in zip(pairs.referral, pairs.buddy, pairs.score, strict=True)
    }
    expected = {(r.id, b.id): ref.score(b, r, w) for r in rs for b in bs if ref.feasible(b, r)}
    assert got == expected
    for (r_id, b_id), s in got.items():
        assert 0 <= s <= 1000
        explained = problem.explain(r_id, b_id)
        assert sum(p.points for p in explained.parts) == s == explained.score
        expected_parts = ref.score_parts(by_id(bs)[b_id], by_id(rs)[r_id], w)
        shown = ref.shown_parts(w)
        assert [p.points for p in explained.parts] == [
            pts for pts, show in zip(expected_parts, shown, strict=True) if show
        ]
        # a part that is not shown is worth nothing
        assert all(pts == 0 for pts, show in zip(expected_parts, shown, strict=True) if not show)


@PROPERTY
@given(instances(), st.randoms(use_true_random=False))
def test_same_input_same_output_in_any_order(case, rnd: random.Random):
    bs, rs, w = case
    first = Problem(bs, rs, w).solve()
    again = Problem(bs, rs, w).solve()
    shuffled_b, shuffled_r = bs[:], rs[:]
    rnd.shuffle(shuffled_b)
    rnd.shuffle(shuffled_r)
    other = Problem(shuffled_b, shuffled_r, w).solve()
    assert first == again == other


@PROPERTY
@given(instances())
def test_suggestions_agree_with_the_reference_and_name_the_one_blocking_constraint(case):
    bs, rs, w = case
    problem = Problem(bs, rs, w)
    for r in rs:
        s = problem.suggest_buddies(r.id, limit=3, blocked_limit=10)
        ranked = sorted(
            ((-ref.score(b, r, w), b.id) for b in bs if ref.feasible(b, r)),
        )
        assert [(-c.score, c.id) for c in s.feasible] == ranked[:3]
        assert s.feasible_count == len(ranked)
        blocked = {b.id: ref.broken(b, r) for b in bs}
        assert {x.id for x in s.blocked} == {i for i, c in blocked.items() if len(c) == 1}
        for x in s.blocked:
            assert [x.constraint] == blocked[x.id]
            assert x.reason
        if not ranked:
            assert s.constraint in CONSTRAINTS
            assert s.reason
    for b in bs:
        s = problem.suggest_referrals(b.id, limit=2)
        ranked = sorted((-ref.score(b, r, w), r.id) for r in rs if ref.feasible(b, r))
        assert [(-c.score, c.id) for c in s.feasible] == ranked[:2]


@PROPERTY
@given(instances(), st.integers(0, 4))
def test_other_referrals_on_the_same_buddies_answer_as_a_problem_built_for_them(case, split):
    """`with_referrals` (the suggestion page of a referral outside the cached queue) shares
    the buddy arrays: every answer equals that of a Problem built from scratch, and the
    Problem it came from is left as it was."""
    bs, rs, w = case
    queue, others = rs[:split], rs[split:]
    base = Problem(bs, queue, w)
    before = base.solve()
    swapped = base.with_referrals(others)
    fresh = Problem(bs, others, w)
    assert swapped.solve() == fresh.solve()
    assert swapped.greedy() == fresh.greedy()
    for r in others:
        assert swapped.suggest_buddies(r.id, limit=3) == fresh.suggest_buddies(r.id, limit=3)
    for b in bs:
        assert swapped.suggest_referrals(b.id) == fresh.suggest_referrals(b.id)
    assert base.referral_ids == sorted(r.id for r in queue)
    assert base.solve() == before


@PROPERTY
@given(instances())
def test_unmatched_referrals_get_the_constraint_that_left_them_without_a_candidate(case):
    bs, rs, w = case
    batch = Problem(bs, rs, w).solve()
    assert batch.figures.matched + batch.figures.unmatched == len(rs)
    for u in batch.unmatched:
        r = by_id(rs)[u.referral]
        if any(ref.feasible(b, r) for b in bs):
            assert u.constraint == TAKEN
            continue
        # the cascade: constraints applied in the documented order; the first to leave nobody
        alive = list(bs)
        for constraint in CONSTRAINTS:
            alive = [b for b in alive if constraint not in ref.broken(b, r)]
            if not alive:
                assert u.constraint == constraint
                break
        assert u.reason


@PROPERTY
@given(instances())
def test_greedy_is_valid_and_never_beats_the_optimum_on_count(case):
    bs, rs, w = case
    problem = Problem(bs, rs, w)
    optimum, greedy = problem.solve(), problem.greedy()
    b, r = by_id(bs), by_id(rs)
    load = {}
    for a in greedy.assignments:
        assert ref.feasible(b[a.buddy], r[a.referral])
        load[a.buddy] = load.get(a.buddy, 0) + 1
    assert all(n <= b[k].capacity - b[k].active for k, n in load.items())
    assert greedy.figures.matched <= optimum.figures.matched
