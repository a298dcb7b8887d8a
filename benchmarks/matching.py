"""Matching benchmark: a reproducible Flanders-like instance, solved from file to file.

    uv run python benchmarks/matching.py --scale 1     # 2,000 referrals, 800 buddies
    uv run python benchmarks/matching.py --scale 10    # 20,000 referrals, 8,000 buddies

The instance is drawn with a fixed seed around the real municipalities of Flanders and
Brussels (data/municipalities.csv), weighted towards the cities where schools, teacher
training and newcomer families concentrate. It is written to a JSON instance file; a fresh
child process then times the path a user runs (`buddywerk match`): read and check the file,
list every feasible pair, solve exactly, write the result file. Peak memory is that child's
maximum resident set size (it includes OR-tools' C++ memory, which tracemalloc cannot see).
The greedy first-come pass and the top-10 suggestions are timed afterwards in the same child.

The floor (issue 22, point 1): the plain pipeline of benchmarks/match_baseline.py (a scipy
k-d tree, the same constraints and scores, OR-tools SimpleMinCostFlow), run from the shell
on the same file, alternately with `buddywerk match`; the script prints wall time, CPU time
and peak memory as multiples of the baseline's first, then the seconds, with the load, and
stops when the two optima differ.

    uv run python benchmarks/matching.py --scale 10 --by-region       # point 4
    uv run python benchmarks/matching.py --scale 100 --by-region

solves each region (province) of the instance as an independent `buddywerk match` in its own
fresh process (as on one machine per region) and prints time and peak memory per region and
in total, with the baseline on the same region beside it (`--no-baseline` to skip it).
"""

import argparse
import csv
import json
import os
import random
import re
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict
from pathlib import Path
from types import SimpleNamespace

ROOT = Path(__file__).resolve().parent.parent
SEED = 20260401

# Relative weight of the big cities (rough share of pupils); other Flemish and Brussels
# municipalities weigh 1. A city also spreads its points wider.
CITIES = {
    "Antwerpen": 40, "Gent": 28, "Brussel": 22, "Schaarbeek": 10, "Anderlecht": 10,
    "Brugge": 10, "Leuven": 10, "Mechelen": 8, "Aalst": 7, "Kortrijk": 7, "Hasselt": 7,
    "Sint-Niklaas": 6, "Oostende": 6, "Genk": 6, "Roeselare": 4, "Turnhout": 4,
    "Vilvoorde": 4, "Dendermonde": 3, "Lier": 3, "Geel": 3, "Ieper": 3, "Lokeren": 3,
}  # fmt: skip

DAYS = ["mon", "tue", "wed", "thu", "fri"]
PARTS = ["am", "lunch", "pm", "after", "eve"]
# when duos can meet (R8): after school and Wednesday afternoon above all
PART_WEIGHT = {"am": 1, "lunch": 2, "pm": 2, "after": 6, "eve": 2}
COMPETENCES = ["dutch", "maths", "learning", "homework", "wellbeing", "family", "career"]
COMPETENCE_WEIGHT = [6, 6, 4, 5, 3, 2, 1]
# contact languages asked for by families, and extra languages buddies speak
CONTACT = {"fr": 5, "en": 4, "ar": 6, "tr": 4, "pl": 2, "ro": 2, "bg": 1, "ru": 2, "uk": 3,
           "es": 1, "so": 1, "ti": 1, "fa": 2, "ps": 1, "ku": 1, "ber": 2, "sq": 1}  # fmt: skip


def places() -> tuple[list[tuple[float, float, float, str]], list[float]]:
    """(lat, lon, spread in km, province) and weight per municipality of Flanders and
    Brussels (Brussels counts as one province: BRU)."""
    points, weights = [], []
    with (ROOT / "data" / "municipalities.csv").open(encoding="utf-8") as f:
        for row in csv.DictReader(f):
            if row["region_code"] not in ("VLG", "BRU"):
                continue
            city = CITIES.get(row["municipality_nl"], 0)
            province = row["province_code"] or row["region_code"]
            points.append((float(row["lat"]), float(row["lon"]), 4.0 if city else 2.5, province))
            weights.append(float(city or 1))
    return points, weights


def _around(rnd: random.Random, place: tuple[float, float, float, str]) -> tuple[float, float]:
    lat, lon, spread, _ = place
    # km to degrees at 51 degrees north
    return (
        round(lat + rnd.gauss(0, spread) / 111.2, 5),
        round(lon + rnd.gauss(0, spread) / 70.0, 5),
    )


def _slots(rnd: random.Random, low: int, high: int) -> list[str]:
    all_slots = [f"{d}-{p}" for d in DAYS for p in PARTS]
    weights = [PART_WEIGHT[p] * (3 if d == "wed" and p == "pm" else 1) for d in DAYS for p in PARTS]
    return sorted(set(rnd.choices(all_slots, weights, k=rnd.randint(low, high))))


def _some(rnd: random.Random, items: list[str], weights: list[int], low: int, high: int):
    return sorted(set(rnd.choices(items, weights, k=rnd.randint(low, high))))


def _modes(rnd: random.Random, school: float, home: float, online: float) -> list[str]:
    modes = [
        m for m, p in (("school", school), ("home", home), ("online", online)) if rnd.random() < p
    ]
    return modes or ["school"]


def generate(scale: int) -> dict:
    """The instance at `scale`: 2,000 referrals and 800 buddies per unit of scale.

    Up to 10x, one Flanders that gets denser with the scale (the feasible pairs grow about
    with its square). Beyond 10x, "past Flanders": scale / 10 territories, each a 10x
    Flanders drawn with its own seed and moved 3.5 degrees further east (a rotation about
    the Earth's axis: distances within a territory are those of Flanders), so the 100x
    instance is ten countries of Flanders' size and density side by side. Every record
    carries the province it was drawn in (with the territory from 100x on) as its region.
    """
    if scale > 10:
        if scale % 10:
            raise SystemExit("beyond 10x the scale must be a multiple of 10")
        tiles = [_flanders(10, tile) for tile in range(scale // 10)]
        return {
            "meta": {"generator": "benchmarks/matching.py", "scale": scale, "seed": SEED + scale},
            "buddies": [b for t in tiles for b in t["buddies"]],
            "referrals": [r for t in tiles for r in t["referrals"]],
        }
    return _flanders(scale, 0)


def _flanders(scale: int, tile: int) -> dict:
    # tile 0 is Flanders itself, with the seed the 1x and 10x instances always had
    rnd = random.Random(SEED + scale + 1000 * tile)
    shift = 3.5 * tile
    prefix = f"t{tile}-" if tile else ""
    suffix = f"-{tile}" if tile else ""
    points, weights = places()
    contact_codes, contact_weights = list(CONTACT), list(CONTACT.values())
    buddies = []
    for i in range(800 * scale):
        extra = _some(rnd, contact_codes, contact_weights, 0, 2) if rnd.random() < 0.35 else []
        capacity = rnd.choices([1, 2, 3], [5, 3, 1])[0]
        place = rnd.choices(points, weights)[0]
        lat, lon = _around(rnd, place)
        buddy = {
            "id": f"{prefix}b{i:05d}",
            "lat": lat,
            "lon": round(lon + shift, 5),
            "region": place[3] + suffix,
            "radius_km": rnd.choices([5, 7.5, 10, 15, 20, 25], [12, 10, 28, 26, 14, 10])[0],
            "capacity": capacity,
            "modes": _modes(rnd, 0.9, 0.35, 0.2),
            "slots": _slots(rnd, 3, 7),
            "languages": ["nl", *extra],
            "competences": _some(rnd, COMPETENCES, COMPETENCE_WEIGHT, 2, 5),
            "level": "expert" if rnd.random() < 0.25 else "junior",
            "screened": rnd.random() < 0.88,
            "approved": rnd.random() < 0.95,
            "available": rnd.random() < 0.95,
            "active": rnd.choices([0, 1], [4, 1])[0] if capacity > 1 else 0,
            "meta": {"kind": rnd.choice(["student", "retired_teacher", "role_model"])},
        }
        buddies.append(buddy)
    referrals = []
    for i in range(2000 * scale):
        contact = rnd.choices(contact_codes, contact_weights)[0] if rnd.random() < 0.12 else None
        home = [contact] if contact else []
        if rnd.random() < 0.3:
            home += _some(rnd, contact_codes, contact_weights, 1, 1)
        place = rnd.choices(points, weights)[0]
        lat, lon = _around(rnd, place)
        referral = {
            "id": f"{prefix}r{i:05d}",
            "lat": lat,
            "lon": round(lon + shift, 5),
            "region": place[3] + suffix,
            "modes": _modes(rnd, 0.85, 0.3, 0.1),
            "slots": _slots(rnd, 2, 5),
            "needs": _some(rnd, COMPETENCES, COMPETENCE_WEIGHT, 1, 3),
            "contact_language": contact,
            "home_languages": sorted(set(home)),
            "minor": rnd.random() < 0.92,
            "urgency": rnd.choices([1, 2, 3], [3, 5, 2])[0],
            "complexity": rnd.choices(["low", "normal", "high"], [3, 5, 2])[0],
            "grade": rnd.randint(1, 12),  # ignored by the engine, as other tools add fields
        }
        referrals.append(referral)
    return {"meta": {"generator": "benchmarks/matching.py", "scale": scale, "seed": SEED + scale},
            "buddies": buddies, "referrals": referrals}  # fmt: skip


def measure(instance_path: Path, result_path: Path, suggestions: int) -> dict:
    """Runs in the child process: the timed path from instance file to result file."""
    sys.path.insert(0, str(ROOT / "src"))
    from buddywerk.matching.instance import load_instance, result_document, result_json

    started = time.perf_counter()
    instance = load_instance(instance_path)
    read = time.perf_counter()
    problem = instance.problem()
    loaded = time.perf_counter()
    pairs = problem.pairs()
    paired = time.perf_counter()
    batch = problem.solve()
    solved = time.perf_counter()
    result_path.write_text(result_json(result_document(batch)), encoding="utf-8")
    finished = time.perf_counter()
    rss_solve = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024

    greedy_start = time.perf_counter()
    greedy = problem.greedy()
    greedy_time = time.perf_counter() - greedy_start

    rnd = random.Random(SEED)
    sample = rnd.sample(problem.referral_ids, min(suggestions, len(problem.referral_ids)))
    times = []
    for referral_id in sample:
        t = time.perf_counter()
        problem.suggest_buddies(referral_id, limit=10)
        times.append((time.perf_counter() - t) * 1000)
    times.sort()
    return {
        "referrals": len(problem.referrals),
        "buddies": len(problem.buddies),
        "pairs": len(pairs),
        "read_s": read - started,
        "arrays_s": loaded - read,
        "pairs_s": paired - loaded,
        "solve_s": solved - paired,
        "write_s": finished - solved,
        "total_s": finished - started,
        "peak_mb": rss_solve,
        "optimum": asdict(batch.figures),
        "taken": sum(u.constraint == "taken" for u in batch.unmatched),
        "greedy": asdict(greedy.figures),
        "greedy_s": greedy_time,
        "suggest_ms": {
            "median": statistics.median(times),
            "p95": times[int(0.95 * (len(times) - 1))],
            "max": times[-1],
        },
        "peak_mb_all": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    }


def report(scale: int, m: dict, generated_s: float) -> str:
    o, g = m["optimum"], m["greedy"]
    load = os.getloadavg()
    lines = [
        f"matching benchmark, scale {scale}: {m['referrals']:,} referrals,"
        f" {m['buddies']:,} buddies, {m['pairs']:,} feasible pairs"
        f" (instance generated in {generated_s:.1f} s)",
        f"  machine: {os.cpu_count()} cores,"
        f" load average {load[0]:.2f} / {load[1]:.2f} / {load[2]:.2f}",
        f"  read + check instance file  {m['read_s']:7.3f} s",
        f"  build arrays (Problem)      {m['arrays_s']:7.3f} s",
        f"  candidate pairs             {m['pairs_s']:7.3f} s",
        f"  solve (min-cost flow)       {m['solve_s']:7.3f} s",
        f"  write result file           {m['write_s']:7.3f} s",
        f"  total, file to file         {m['total_s']:7.3f} s",
        f"  peak memory (max RSS)       {m['peak_mb']:7.0f} MB",
        "",
        f"  {'':10} {'matched':>8} {'unmatched':>10} {'total score':>12} {'mean score':>11}"
        f" {'mean km':>8}",
        f"  {'optimum':10} {o.matched:8,} {o.unmatched:10,} {o.total_score:12,}"
        f" {o.mean_score:11.1f} {o.mean_distance_km:8.2f}",
        f"  {'greedy':10} {g.matched:8,} {g.unmatched:10,} {g.total_score:12,}"
        f" {g.mean_score:11.1f} {g.mean_distance_km:8.2f}   ({m['greedy_s']:.2f} s)",
        f"  unmatched although they had candidates (taken by others): {m['taken']:,}",
        "",
        f"  top-10 suggestions for one referral among {m['buddies']:,} buddies:"
        f" median {m['suggest_ms']['median']:.2f} ms, p95 {m['suggest_ms']['p95']:.2f} ms,"
        f" max {m['suggest_ms']['max']:.2f} ms",
    ]
    return "\n".join(lines)


BIN = Path(sys.executable).parent
BUDDYWERK = str(BIN / "buddywerk")
BASELINE = str(ROOT / "benchmarks" / "match_baseline.py")


def _run(command: list[str]) -> dict:
    """One fresh process: wall seconds, CPU seconds (user + system) and its own peak RSS.

    The peak comes from GNU time (/usr/bin/time) run between this script and the command:
    a child forked straight from this script would count the pages of the instance this
    script holds in its maximum resident set size.
    """
    started = time.perf_counter()
    done = subprocess.run(  # noqa: S603
        ["/usr/bin/time", "-f", "BENCH %e %U %S %M", *command],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        check=False,
    )
    wall = time.perf_counter() - started
    if done.returncode:
        raise SystemExit(f"{' '.join(command)} failed:\n{done.stdout}")
    figures = re.findall(r"^BENCH ([\d.]+) ([\d.]+) ([\d.]+) (\d+)$", done.stdout, re.M)[-1]
    return {
        "wall": wall,
        "cpu": float(figures[1]) + float(figures[2]),
        "peak_mb": int(figures[3]) / 1024,
        "output": done.stdout,
    }


def _engine(instance: Path, out: Path) -> dict:
    run = _run([BUDDYWERK, "match", "--instance", str(instance), "--out", str(out)])
    found = re.search(r"(\d+) feasible pairs", run["output"])
    run["pairs"] = int(found.group(1)) if found else 0
    return run


def _same_optimum(engine_out: Path, baseline_out: Path) -> tuple[int, int]:
    mine, plain = (json.loads(p.read_text(encoding="utf-8")) for p in (engine_out, baseline_out))
    if (mine["matched"], mine["total_score"]) != (plain["matched"], plain["total_score"]):
        raise SystemExit(
            f"engine and baseline disagree: {mine['matched']} / {mine['total_score']} against"
            f" {plain['matched']} / {plain['total_score']}"
        )
    return mine["matched"], mine["total_score"]


def _load() -> str:
    return f"{os.getloadavg()[0]:.2f}"


def against_baseline(path: Path, tmp: Path, runs: int) -> dict:
    """`buddywerk match` and the baseline, each in a fresh process, alternately `runs` times;
    medians. Both must reach the same optimum."""
    engine, baseline, loads = [], [], [_load()]
    for _ in range(runs):
        engine.append(_engine(path, tmp / "engine.json"))
        baseline.append(_run([sys.executable, BASELINE, str(path), str(tmp / "baseline.json")]))
        loads.append(_load())
    matched, total = _same_optimum(tmp / "engine.json", tmp / "baseline.json")

    def median(runs_: list[dict], key: str) -> float:
        return statistics.median(r[key] for r in runs_)

    return {
        "wall": median(engine, "wall"),
        "cpu": median(engine, "cpu"),
        "peak_mb": max(r["peak_mb"] for r in engine),
        "pairs": engine[0]["pairs"],
        "base_wall": median(baseline, "wall"),
        "base_cpu": median(baseline, "cpu"),
        "base_peak_mb": max(r["peak_mb"] for r in baseline),
        "matched": matched,
        "total_score": total,
        "loads": loads,
    }


def by_region(instance: dict, tmp: Path, baseline: bool) -> None:
    """Each region (the records' province) an independent solve in its own fresh process,
    as on one machine per region: time and peak memory per region and in total."""
    regions = sorted(
        {r["region"] for r in instance["referrals"]} | {b["region"] for b in instance["buddies"]}
    )
    print(
        f"matching by region, {len(instance['referrals']):,} referrals,"
        f" {len(instance['buddies']):,} buddies, {len(regions)} regions;"
        f" {os.cpu_count()} cores, load average {_load()} at the start"
    )
    print(
        f"  {'region':8} {'referrals':>9} {'buddies':>8} {'pairs':>11} {'x floor':>8}"
        f" {'wall s':>7} {'CPU s':>7} {'peak MB':>8} {'floor s':>8} {'floor MB':>9} {'load':>5}"
    )
    rows = []
    for region in regions:
        part = {
            "meta": instance["meta"],
            "buddies": [b for b in instance["buddies"] if b["region"] == region],
            "referrals": [r for r in instance["referrals"] if r["region"] == region],
        }
        path = tmp / f"region-{region}.json"
        path.write_text(json.dumps(part), encoding="utf-8")
        row = _engine(path, tmp / "engine.json")
        row.update(region=region, referrals=len(part["referrals"]), buddies=len(part["buddies"]))
        del part
        if baseline:
            base = _run([sys.executable, BASELINE, str(path), str(tmp / "baseline.json")])
            _same_optimum(tmp / "engine.json", tmp / "baseline.json")
            row.update(base_wall=base["wall"], base_peak_mb=base["peak_mb"])
        path.unlink()
        row["load"] = _load()
        rows.append(row)
        ratio = f"{row['wall'] / row['base_wall']:7.2f}x" if baseline else f"{'-':>8}"
        floor = (
            f"{row['base_wall']:8.2f} {row['base_peak_mb']:9.0f}"
            if baseline
            else f"{'-':>8} {'-':>9}"
        )
        print(
            f"  {region:8} {row['referrals']:9,} {row['buddies']:8,} {row['pairs']:11,} {ratio}"
            f" {row['wall']:7.2f} {row['cpu']:7.2f} {row['peak_mb']:8.0f} {floor} {row['load']:>5}",
            flush=True,
        )
    pairs = sum(r["pairs"] for r in rows)
    wall, cpu = sum(r["wall"] for r in rows), sum(r["cpu"] for r in rows)
    largest = max(rows, key=lambda r: r["pairs"])
    ratio = f"{wall / sum(r['base_wall'] for r in rows):7.2f}x" if baseline else f"{'-':>8}"
    print(
        f"  {'total':8} {sum(r['referrals'] for r in rows):9,} {sum(r['buddies'] for r in rows):8,}"
        f" {pairs:11,} {ratio} {wall:7.2f} {cpu:7.2f} {max(r['peak_mb'] for r in rows):8.0f}"
        f"   (peak: the largest of the regions)"
    )
    print(
        f"  per million feasible pairs: {cpu / max(pairs, 1) * 1e6:.2f} s CPU in total;"
        f" largest region {largest['region']}: {largest['pairs']:,} pairs,"
        f" {largest['peak_mb']:.0f} MB peak, {largest['cpu']:.2f} s CPU"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scale", type=int, default=1)
    parser.add_argument("--runs", type=int, default=3, help="runs of match and baseline each")
    parser.add_argument("--suggestions", type=int, default=200, help="referrals to time")
    parser.add_argument("--keep", type=Path, help="keep the instance file here")
    parser.add_argument("--by-region", action="store_true", help="solve each region apart")
    parser.add_argument("--no-baseline", action="store_true", help="by region: skip the floor")
    parser.add_argument("--no-details", action="store_true", help="skip the stage breakdown")
    parser.add_argument("--child", nargs=2, type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(measure(args.child[0], args.child[1], args.suggestions)))
        return

    started = time.perf_counter()
    instance = generate(args.scale)
    with tempfile.TemporaryDirectory(prefix="buddywerk-bench-") as tmp:
        if args.by_region:
            by_region(instance, Path(tmp), baseline=not args.no_baseline)
            return
        path = args.keep or Path(tmp) / f"instance-{args.scale}.json"
        path.write_text(json.dumps(instance), encoding="utf-8")
        generated = time.perf_counter() - started
        del instance
        m = against_baseline(path, Path(tmp), args.runs)
        print(
            f"matching, scale {args.scale}: `buddywerk match` from the shell (start-up included)"
            f" against the baseline pipeline (benchmarks/match_baseline.py), fresh processes,"
            f" median of {args.runs} alternate runs; {m['pairs']:,} feasible pairs, both reach"
            f" {m['matched']:,} matched / total score {m['total_score']:,}"
        )
        print(f"  {os.cpu_count()} cores, load average during the runs: {', '.join(m['loads'])}")
        print(
            f"  wall   {m['wall'] / m['base_wall']:5.2f} x baseline   ({m['wall']:6.2f} s against"
            f" {m['base_wall']:6.2f} s)"
        )
        print(
            f"  CPU    {m['cpu'] / m['base_cpu']:5.2f} x baseline   ({m['cpu']:6.2f} s against"
            f" {m['base_cpu']:6.2f} s)"
        )
        print(
            f"  memory {m['peak_mb'] / m['base_peak_mb']:5.2f} x baseline   ({m['peak_mb']:6.0f} MB"
            f" against {m['base_peak_mb']:6.0f} MB peak RSS)"
        )
        if args.no_details:
            return
        done = subprocess.run(  # noqa: S603 - this very script, in a fresh process
            [sys.executable, __file__, "--child", str(path), str(Path(tmp) / "result.json"),
             "--suggestions", str(args.suggestions)],
            capture_output=True, text=True, check=True,
        )  # fmt: skip
    figures = json.loads(done.stdout)
    figures["optimum"] = SimpleNamespace(**figures["optimum"])
    figures["greedy"] = SimpleNamespace(**figures["greedy"])
    print()
    print(report(args.scale, figures, generated))


if __name__ == "__main__":
    main()
