"""benchmarks/match_baseline.py reproduces the engine's scores, the issue-21 parts included
(sector fit for mentors, track and tag fit for role models), so the benchmark can keep
checking that both reach the same optimum."""

import importlib.util
import json
import random
from pathlib import Path

import pytest

from buddywerk.matching.instance import load_instance

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(autouse=True)
def _clear_cache():
    """Overrides the project-wide cache reset: neither side uses cache nor database."""
    yield


def _baseline():
    spec = importlib.util.spec_from_file_location(
        "match_baseline", ROOT / "benchmarks" / "match_baseline.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _instance(rnd: random.Random) -> dict:
    pick = rnd.sample
    buddies = [
        {
            "id": f"b{i}",
            "lat": 51.0 + rnd.randint(0, 60) * 0.001,
            "lon": 4.45 + rnd.randint(0, 60) * 0.0016,
            "radius_km": rnd.choice([2, 5, 10]),
            "capacity": rnd.randint(1, 2),
            "modes": pick(["school", "home", "online"], rnd.randint(1, 3)),
            "slots": pick(["mon-pm", "wed-pm", "fri-after"], rnd.randint(1, 3)),
            "languages": pick(["nl", "ar", "fr"], rnd.randint(0, 2)),
            "competences": pick(["maths", "dutch", "career"], rnd.randint(1, 3)),
            "level": rnd.choice(["junior", "expert"]),
            "screened": rnd.random() < 0.8,
            "sector": rnd.choice([None, "care", "construction", "tech"]),
            "tracks": pick(["aso", "tso", "bso"], rnd.randint(0, 2)),
            "tags": pick(["changed_track", "first_generation", "late_bloomer"], rnd.randint(0, 2)),
        }
        for i in range(rnd.randint(2, 6))
    ]
    referrals = [
        {
            "id": f"r{i}",
            "lat": 51.0 + rnd.randint(0, 60) * 0.001,
            "lon": 4.45 + rnd.randint(0, 60) * 0.0016,
            "modes": pick(["school", "home", "online"], rnd.randint(1, 3)),
            "slots": pick(["mon-pm", "wed-pm", "fri-after"], rnd.randint(1, 3)),
            "needs": pick(["maths", "dutch", "career"], rnd.randint(1, 2)),
            "minor": rnd.random() < 0.5,
            "urgency": rnd.randint(1, 3),
            "complexity": rnd.choice(["low", "normal", "high"]),
            "home_languages": pick(["nl", "ar", "fr"], rnd.randint(0, 2)),
            "sector": rnd.choice([None, "care", "tech", "retail"]),
            "track": rnd.choice([None, "aso", "bso", "kso"]),
            "tags": pick(["changed_track", "first_generation", "other"], rnd.randint(0, 2)),
        }
        for i in range(rnd.randint(2, 8))
    ]
    weights = {
        "distance": 200, "slots": 100, "needs": 150, "language": 50, "fit": 100,
        "sector": 200, "track": 100, "tags": 100, "urgency_percent": rnd.choice([0, 50]),
    }  # fmt: skip
    return {"buddies": buddies, "referrals": referrals, "weights": weights}


@pytest.mark.parametrize("seed", range(25))
def test_the_baseline_computes_the_engines_scores_with_the_mentor_and_role_model_parts(
    seed, tmp_path
):
    data = _instance(random.Random(seed))
    path, out = tmp_path / "instance.json", tmp_path / "result.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    problem = load_instance(path).problem()
    pairs = problem.pairs()
    engine_scores = {
        (problem.referral_ids[r], problem.buddy_ids[b]): int(s)
        for r, b, s in zip(pairs.referral, pairs.buddy, pairs.score, strict=True)
    }
    _baseline().main(str(path), str(out))
    plain = json.loads(out.read_text(encoding="utf-8"))
    batch = problem.solve()
    assert plain["matched"] == batch.figures.matched
    assert plain["total_score"] == batch.figures.total_score
    assert plain["pairs"] == len(pairs)
    for a in plain["assignments"]:
        assert a["score"] == engine_scores[(a["referral"], a["buddy"])]
