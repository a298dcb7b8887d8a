"""Unit tests of the engine: each hard constraint, each score part, sentences, batch details."""

import subprocess
import sys
from dataclasses import replace
from datetime import date

import pytest

from buddywerk.matching import engine as engine_module
from buddywerk.matching.engine import (
    DUTCH,
    TAKEN,
    Buddy,
    Problem,
    Referral,
    Texts,
    Weights,
    round_metres,
)

from . import reference as ref


@pytest.fixture(autouse=True)
def _clear_cache():
    """Overrides the project-wide cache reset: the engine uses neither cache nor database."""
    yield


MECHELEN = (51.0259, 4.4776)

BUDDY = Buddy(
    id="b1",
    lat=51.03,
    lon=4.48,
    radius_km=10,
    capacity=2,
    modes=frozenset({"school", "online"}),
    slots=frozenset({"mon-after", "wed-pm"}),
    languages=frozenset({"nl", "ar"}),
    competences=frozenset({"maths", "reading"}),
    level="junior",
    screened=True,
)
REFERRAL = Referral(
    id="r1",
    lat=51.02,
    lon=4.47,
    modes=frozenset({"school"}),
    slots=frozenset({"wed-pm"}),
    needs=frozenset({"maths"}),
    contact_language="ar",
    minor=True,
    urgency=2,
    complexity="normal",
)


def broken(buddy=BUDDY, referral=REFERRAL):
    return Problem([buddy], [referral]).check(referral.id, buddy.id)


def test_the_example_of_the_issue_is_feasible():
    assert broken() == ()


@pytest.mark.parametrize(
    ("buddy_change", "referral_change", "constraint"),
    [
        ({"approved": False}, {}, "approved"),
        ({"available": False}, {}, "available"),
        ({"available_until": date(2026, 2, 1)}, {"start": date(2026, 3, 1)}, "available"),
        ({"available_from": date(2026, 3, 2)}, {"start": date(2026, 3, 1)}, "available"),
        ({"available_until": date(2026, 5, 1)}, {"end": date(2026, 6, 30)}, "available"),
        ({"capacity": 0}, {}, "capacity"),
        ({"capacity": 2, "active": 2}, {}, "capacity"),
        ({"radius_km": 1}, {}, "place"),
        ({"modes": frozenset({"home"})}, {}, "place"),
        ({"screened": False}, {}, "screening"),
        ({"slots": frozenset({"fri-am"})}, {}, "slots"),
        ({"languages": frozenset({"nl"})}, {}, "language"),
        ({"competences": frozenset({"dutch"})}, {}, "needs"),
        ({}, {"needs": frozenset({"career"})}, "needs"),
        ({}, {"contact_language": "ku"}, "language"),  # a label no buddy has
    ],
)
def test_each_hard_constraint_on_its_own(buddy_change, referral_change, constraint):
    buddy, referral = replace(BUDDY, **buddy_change), replace(REFERRAL, **referral_change)
    assert broken(buddy, referral) == (constraint,)
    assert ref.broken(buddy, referral) == [constraint]


@pytest.mark.parametrize(
    ("buddy_change", "referral_change"),
    [
        ({"available_from": date(2026, 3, 1), "available_until": date(2026, 6, 30)}, {}),
        (
            {"available_from": date(2026, 3, 1), "available_until": date(2026, 6, 30)},
            {"start": date(2026, 3, 1), "end": date(2026, 6, 30)},
        ),
        ({"screened": False}, {"minor": False}),
        ({"languages": frozenset()}, {"contact_language": None}),
        # both online: distance does not matter, however far
        ({"lat": 50.0, "modes": frozenset({"online"})}, {"modes": frozenset({"online", "home"})}),
        ({"competences": frozenset({"dutch", "maths"})}, {"needs": frozenset({"maths", "x"})}),
    ],
)
def test_constraints_that_hold(buddy_change, referral_change):
    assert broken(replace(BUDDY, **buddy_change), replace(REFERRAL, **referral_change)) == ()


def test_distance_is_compared_in_whole_metres_rounded_half_up():
    referral = replace(REFERRAL, lat=MECHELEN[0], lon=MECHELEN[1])
    buddy = replace(BUDDY, lat=51.07, lon=4.50)
    d = ref.distance_m(buddy, referral)
    assert 5000 < d < 6000
    assert broken(replace(buddy, radius_km=d / 1000), referral) == ()
    # half a metre less still rounds to the same whole metre
    assert broken(replace(buddy, radius_km=(d - 0.5) / 1000), referral) == ()
    assert broken(replace(buddy, radius_km=(d - 0.51) / 1000), referral) == ("place",)
    assert broken(replace(buddy, radius_km=(d - 1) / 1000), referral) == ("place",)
    assert int(round_metres(2.5005)) == 2501 and int(round_metres(2.5004)) == 2500


def test_haversine_on_the_mean_earth_radius():
    # Brussels - Antwerpen city halls: about 41.1 km on a sphere of 6371.0088 km
    brussel = replace(BUDDY, lat=50.8467, lon=4.3525)
    antwerpen = replace(REFERRAL, lat=51.2211, lon=4.3997)
    problem = Problem([brussel], [antwerpen])
    candidate = problem.explain("r1", "b1")
    d = ref.distance_m(brussel, antwerpen)
    assert 41_000 < d < 42_000
    assert candidate.parts[0].text == "woont 42 km van de school"


def parts(buddy=BUDDY, referral=REFERRAL, weights=None, texts=DUTCH):
    return Problem([buddy], [referral], weights).explain(referral.id, buddy.id, texts).parts


def test_score_parts_of_the_issue_example_with_their_sentences():
    got = parts()
    assert [(p.key, p.points, p.max_points) for p in got] == [
        ("distance", 280, 300),  # 1.314 km: 300 * (20000 - 1314) // 20000
        ("slots", 50, 150),  # 1 of 3 slots for full points
        ("needs", 250, 250),  # all needs covered
        ("language", 0, 100),  # no home language beyond the contact language
        ("fit", 160, 200),  # junior, normal request: 80 %
    ]
    assert [p.text for p in got] == [
        "woont 1,3 km van de school",
        "heeft 1 moment samen: woensdag namiddag",
        "helpt met alles wat gevraagd is: wiskunde",
        "er is geen andere thuistaal om op te letten",
        "is een junior buddy, de vraag is gewoon",
    ]


def test_language_part_rewards_the_home_language_beyond_the_contact_language():
    referral = replace(REFERRAL, contact_language="nl", home_languages=frozenset({"ar", "nl"}))
    language = parts(referral=referral)[3]
    assert (language.points, language.text) == (100, "spreekt Arabisch, de thuistaal")
    # the required contact language itself earns nothing extra
    referral = replace(REFERRAL, contact_language="ar", home_languages=frozenset({"ar"}))
    assert parts(referral=referral)[3].points == 0
    referral = replace(REFERRAL, home_languages=frozenset({"tr"}))
    assert parts(referral=referral)[3].text == "spreekt de thuistaal niet (Turks)"


def test_injected_names_and_english_sentences():
    referral = replace(REFERRAL, contact_language="nl", home_languages=frozenset({"ar"}))
    texts = Texts(lang="en", languages={"ar": "Arabic (Darija)"}, competences={"maths": "Math"})
    got = [p.text for p in parts(referral=referral, texts=texts)]
    assert got == [
        "lives 1.3 km from the school",
        "has 1 time slot in common: Wednesday afternoon",
        "helps with everything asked: Math",
        "speaks Arabic (Darija), the home language",
        "is a junior buddy, the request is ordinary",
    ]
    with pytest.raises(ValueError, match="no sentences"):
        Texts(lang="fr")


def test_distance_part_scales_down_and_online_earns_its_share():
    far = replace(BUDDY, lat=51.12, radius_km=30)  # about 11 km
    assert parts(buddy=far)[0].points == 300 * (20000 - ref.distance_m(far, REFERRAL)) // 20000
    too_far = replace(BUDDY, lat=51.25, radius_km=30)  # beyond the 20 km scale: no points
    assert parts(buddy=too_far)[0].points == 0
    online = replace(REFERRAL, modes=frozenset({"online"}))
    assert parts(referral=online)[0].points == 150
    assert parts(referral=online)[0].text == "kan online afspreken, de afstand speelt geen rol"
    home = replace(BUDDY, modes=frozenset({"home"}))
    assert parts(buddy=home, referral=replace(REFERRAL, modes=frozenset({"home"})))[0].text == (
        "woont 1,3 km van het gezin"
    )


def test_slot_needs_and_fit_parts():
    buddy = replace(
        BUDDY,
        slots=frozenset({"mon-pm", "tue-pm", "wed-pm", "thu-pm"}),
        competences=frozenset({"maths"}),
        level="expert",
    )
    referral = replace(
        REFERRAL,
        slots=frozenset({"mon-pm", "tue-pm", "wed-pm", "thu-pm"}),
        needs=frozenset({"maths", "dutch", "homework"}),
        complexity="high",
        urgency=1,
    )
    got = parts(buddy, referral)
    assert got[1].points == 150  # four shared, three earn everything
    assert got[1].text.startswith(
        "heeft 4 momenten samen: maandag namiddag, dinsdag namiddag, woensdag"
    )
    assert got[2].points == 250 // 3
    assert got[2].text == "helpt met 1 van de 3 vragen: wiskunde"
    assert (
        got[4].points == 200
        and got[4].text == "is een ervaren buddy, de vraag is zwaar of dringend"
    )
    # urgency 3 raises a normal request to demanding: a junior fits less (R3)
    junior_urgent = parts(referral=replace(REFERRAL, urgency=3))[4]
    assert junior_urgent.points == 200 * 30 // 100


def test_weights_must_add_up_to_a_thousand():
    with pytest.raises(ValueError, match="1000"):
        Weights(distance=500)
    heavy = Weights(distance=600, slots=100, needs=100, language=100, fit=100)
    assert sum(p.points for p in parts(weights=heavy)) == 560 + 33 + 100 + 0 + 80


def suggestion_world():
    buddies = [
        replace(BUDDY, id="b-near", lat=51.021, lon=4.471),
        replace(BUDDY, id="b-equal-a", lat=51.03, lon=4.48),
        replace(BUDDY, id="b-equal-b", lat=51.03, lon=4.48),
        replace(BUDDY, id="b-far", lat=51.02, lon=4.47 + 0.2, radius_km=5),
        replace(BUDDY, id="b-unscreened", screened=False),
        replace(BUDDY, id="b-two-wrong", screened=False, languages=frozenset({"nl"})),
    ]
    return Problem(buddies, [REFERRAL, replace(REFERRAL, id="r-ku", contact_language="ku")])


def test_suggestions_rank_by_score_then_id_and_show_the_one_blocking_constraint():
    s = suggestion_world().suggest_buddies("r1")
    assert [c.id for c in s.feasible] == ["b-near", "b-equal-a", "b-equal-b"]
    assert s.feasible[0].score > s.feasible[1].score == s.feasible[2].score
    assert s.feasible_count == 3 and s.constraint is None
    blocked = {b.id: (b.constraint, b.reason) for b in s.blocked}
    assert blocked == {
        "b-far": ("place", "woont 14 km van de afspraakplaats, verder dan 5 km"),
        "b-unscreened": (
            "screening",
            "uittreksel model 2 niet gezien of verloopt voor het einde, nodig bij een minderjarige",
        ),
    }


def test_suggestions_without_any_feasible_buddy_say_why():
    s = suggestion_world().suggest_buddies("r-ku")
    assert s.feasible == () and s.constraint == "language"
    assert s.reason == "geen buddy in de buurt met een moment samen spreekt Koerdisch"
    assert {b.constraint for b in s.blocked} == {"language"}


def test_suggestions_for_a_buddy_list_referrals():
    s = suggestion_world().suggest_referrals("b-near", texts=Texts("en"))
    assert [c.id for c in s.feasible] == ["r1"]
    assert [(b.id, b.reason) for b in s.blocked] == [
        ("r-ku", "does not speak Kurdish, the contact language")
    ]


def test_batch_matches_the_most_referrals_before_the_best_scores():
    # b-best is the top choice of both referrals; the optimum gives r2 to b-best only if that
    # keeps both matched: r1 can go to b-ok only
    best = replace(BUDDY, id="b-best", capacity=1, lat=51.02, lon=4.47)
    ok = replace(BUDDY, id="b-ok", capacity=1, lat=51.06, lon=4.47, radius_km=3.5)
    r1 = replace(REFERRAL, id="r1")
    r2 = replace(REFERRAL, id="r2", lat=51.03, lon=4.47)
    problem = Problem([best, ok], [r1, r2])
    batch = problem.solve()
    assert {(a.referral, a.buddy) for a in batch.assignments} == {("r1", "b-best"), ("r2", "b-ok")}
    greedy = Problem([best, ok], [r2, r1]).greedy()  # r2 came first and takes b-best
    assert [(a.referral, a.buddy) for a in greedy.assignments] == [("r2", "b-best")]
    assert greedy.unmatched[0].constraint == TAKEN
    assert greedy.unmatched[0].reason == (
        "alle passende buddy's zijn al aan andere aanvragen gekoppeld"
    )
    assert batch.figures.matched == 2 and greedy.figures.matched == 1


def test_urgency_weighs_the_score_but_never_the_count():
    # one place; two referrals. The calm one scores higher with this buddy, the urgent one
    # lower: with urgency weighted enough, the urgent referral wins the place.
    buddy = replace(BUDDY, capacity=1, level="expert")
    calm = replace(REFERRAL, id="r-calm", urgency=1, complexity="high")
    urgent = replace(REFERRAL, id="r-urgent", urgency=3, complexity="low", lat=51.05)
    plain = Problem([buddy], [calm, urgent]).solve()
    assert [a.referral for a in plain.assignments] == ["r-calm"]
    weighted = Problem([buddy], [calm, urgent], Weights(urgency_percent=100)).solve()
    assert [a.referral for a in weighted.assignments] == ["r-urgent"]
    assert weighted.figures.objective == 3 * weighted.figures.total_score
    # count first: with a second buddy only the calm referral can use, both are matched
    second = replace(BUDDY, id="b2", capacity=1, slots=frozenset({"wed-pm"}), lat=51.0)
    both = Problem([buddy, second], [calm, urgent], Weights(urgency_percent=100)).solve()
    assert both.figures.matched == 2


def test_batch_figures_and_unmatched_reasons():
    problem = suggestion_world()
    batch = problem.solve()
    assert batch.figures.matched == 1 and batch.figures.unmatched == 1
    assert batch.unmatched[0].referral == "r-ku" and batch.unmatched[0].constraint == "language"
    a = batch.assignments[0]
    assert batch.figures.total_score == a.score
    assert batch.figures.mean_distance_km == round(a.distance_m / 1000, 2)


def test_empty_inputs():
    assert Problem([], []).solve().figures.matched == 0
    lonely = Problem([], [REFERRAL])
    assert lonely.solve().unmatched[0].constraint == "approved"
    assert lonely.suggest_buddies("r1").feasible == ()
    assert Problem([BUDDY], []).suggest_referrals("b1").feasible == ()


def test_duplicate_ids_are_refused():
    with pytest.raises(ValueError, match="duplicate buddy id 'b1'"):
        Problem([BUDDY, BUDDY], [])


def test_many_labels_use_several_bitmask_words():
    labels = [f"slot-{i}" for i in range(150)]
    buddy = replace(BUDDY, slots=frozenset(labels[100:]))
    assert broken(buddy, replace(REFERRAL, slots=frozenset({"slot-140"}))) == ()
    assert broken(buddy, replace(REFERRAL, slots=frozenset({"slot-40"}))) == ("slots",)


def test_importing_the_engine_does_not_import_django():
    code = (
        "import sys; import buddywerk.matching.engine; "
        "bad = sorted(m for m in sys.modules if m == 'django' or m.startswith('django.')); "
        "print(bad); sys.exit(1 if bad else 0)"
    )
    done = subprocess.run(  # noqa: S603 - our own interpreter, fixed code
        [sys.executable, "-c", code], capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stdout + done.stderr


@pytest.mark.parametrize("grid_max", [engine_module.GRID_MAX_PRODUCT, 0])
def test_the_pair_search_finds_exactly_the_pairs_within_reach(grid_max, monkeypatch):
    """The batch's in-person candidates come from a grid search (engine._pairs_within; a
    k-d tree for very large inputs): against a brute force, on random clouds of every
    scale, with points exactly on top of each other, both ways."""
    import numpy as np

    from buddywerk.matching.engine import _pairs_within

    monkeypatch.setattr(engine_module, "GRID_MAX_PRODUCT", grid_max)
    rng = np.random.default_rng(20261202)
    for case in range(200):
        n, m = (int(x) for x in rng.integers(0, 40, size=2))
        scale = 10 ** rng.uniform(-5, 0)
        a = rng.normal(size=(n, 3)) * scale
        b = rng.normal(size=(m, 3)) * scale
        if case % 4 == 0 and n and m:
            b[: min(n, m)] = a[: min(n, m)]
        reach = scale * 10 ** rng.uniform(-2, 0.5)
        ia, jb = _pairs_within(a, b, reach)
        got = sorted(zip(ia.tolist(), jb.tolist(), strict=True))
        distances = np.sqrt(((a[:, None, :] - b[None, :, :]) ** 2).sum(axis=2))
        # the brute force, with a hair of tolerance for rounding exactly at the edge
        sure = {(i, j) for i, j in zip(*np.nonzero(distances <= reach * (1 - 1e-12)), strict=True)}
        maybe = {(i, j) for i, j in zip(*np.nonzero(distances <= reach * (1 + 1e-12)), strict=True)}
        assert len(got) == len(set(got)), "a pair twice"
        assert sure <= set(got) <= maybe, case


# ---- issue 21: sector fit (mentors), track and tag fit (role models)

MENTOR_WEIGHTS = Weights(
    distance=200, slots=100, needs=150, language=50, fit=100, sector=200, track=100, tags=100
)


def _mentor(buddy_id, sector, **kwargs):
    return replace(BUDDY, id=buddy_id, sector=sector, **kwargs)


def test_the_new_parts_weigh_nothing_and_are_not_explained_by_default():
    mentor = _mentor("m1", "care", tracks=frozenset({"bso"}), tags=frozenset({"changed_track"}))
    pupil = replace(REFERRAL, sector="care", track="bso", tags=frozenset({"changed_track"}))
    plain = Problem([BUDDY], [REFERRAL]).explain("r1", "b1")
    dreamer = Problem([mentor], [pupil]).explain("r1", "m1")
    assert dreamer.score == plain.score
    assert [p.key for p in dreamer.parts] == ["distance", "slots", "needs", "language", "fit"]


def test_a_mentor_in_the_sector_of_the_dream_scores_the_sector_weight_and_says_why():
    pupil = replace(REFERRAL, sector="care")
    problem = Problem([_mentor("m1", "care"), _mentor("m2", "tech")], [pupil], MENTOR_WEIGHTS)
    same = {p.key: p for p in problem.explain("r1", "m1").parts}
    other = {p.key: p for p in problem.explain("r1", "m2").parts}
    assert (same["sector"].points, same["sector"].max_points) == (200, 200)
    assert other["sector"].points == 0
    texts = Texts(sectors={"care": "zorg en welzijn"})
    assert problem.explain("r1", "m1", texts).parts[5].text == (
        "werkt zelf in de sector van de droom: zorg en welzijn"
    )
    assert problem.explain("r1", "m2", texts).parts[5].text == (
        "werkt niet in de sector van de droom (zorg en welzijn)"
    )
    # the batch gives the pupil the mentor of their sector
    batch = problem.solve()
    assert [(a.referral, a.buddy) for a in batch.assignments] == [("r1", "m1")]


def test_no_sector_on_either_side_never_fits():
    problem = Problem([_mentor("m1", None)], [REFERRAL], MENTOR_WEIGHTS)
    part = {p.key: p for p in problem.explain("r1", "m1").parts}["sector"]
    assert part.points == 0
    assert part.text == "de leerling noemde geen sector"


def test_a_role_model_who_was_in_the_pupils_track_and_shares_the_tags_asked_for():
    model = _mentor("m1", None, tracks=frozenset({"aso", "bso"}), tags=frozenset({"changed_track"}))
    pupil = replace(REFERRAL, track="bso", tags=frozenset({"changed_track", "first_generation"}))
    texts = Texts(
        tracks={"bso": "het bso"},
        tags={
            "changed_track": "van richting veranderd",
            "first_generation": "eerste in de familie",
        },
    )
    parts = {
        p.key: p for p in Problem([model], [pupil], MENTOR_WEIGHTS).explain("r1", "m1", texts).parts
    }
    assert (parts["track"].points, parts["track"].text) == (100, "zat zelf ook in het bso")
    assert parts["tags"].points == 50  # 1 of the 2 tags asked
    assert parts["tags"].text == "deelt 1 van de 2 gevraagde ervaringen: van richting veranderd"
    other = replace(pupil, track="tso", tags=frozenset({"first_generation"}))
    parts = {
        p.key: p for p in Problem([model], [other], MENTOR_WEIGHTS).explain("r1", "m1", texts).parts
    }
    assert (parts["track"].points, parts["track"].text) == (0, "zat zelf niet in tso")
    assert (parts["tags"].points, parts["tags"].text) == (
        0,
        "deelt geen van de gevraagde ervaringen (eerste in de familie)",
    )


def test_weights_with_the_new_parts_must_still_add_up_to_1000():
    with pytest.raises(ValueError, match="add up to 1000"):
        Weights(sector=100)
