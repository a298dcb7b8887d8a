"""Benchmark the public programme finder on the shipped geography.

    uv run python benchmarks/finder.py            # a temporary SQLite database
    uv run python benchmarks/finder.py --configured-db   # the configured DATABASE_URL
                                                  # (everything is rolled back afterwards)

Sets up ~200 programmes with coverage areas across Flanders and Brussels, then runs 200
varied queries (postcodes, municipality names with a typo, localities, with and without a
distance and filters) through the finder page, and prints median and p95 times and the
number of SQL queries per request. Deterministic (fixed random seed).

The floor (issue 22, point 1): the cheapest page of the same server, the privacy statement
(no data behind it), requested through the same client right after each finder request.
The finder's median and p95 are printed as multiples of the floor's first.
"""

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

PROGRAMMES = 200
QUERIES = 200
SEED = 2026


def _setup(configured_db: bool) -> None:
    if not configured_db:
        tmp = Path(tempfile.mkdtemp(prefix="buddywerk-bench-"))
        os.environ["BUDDYWERK_VAR_DIR"] = str(tmp)
        os.environ["DATABASE_URL"] = f"sqlite:///{tmp / 'bench.sqlite3'}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "buddywerk.settings")
    os.environ.setdefault("SECRET_KEY", "benchmark-only")
    import django

    django.setup()
    from django.core.management import call_command

    if not configured_db:
        print("Migrating a temporary SQLite database (loads the shipped geography)...")
        call_command("migrate", verbosity=0)


def _typo(rng: random.Random, name: str) -> str:
    """One random edit: drop, swap or double a letter inside the name."""
    if len(name) < 6:
        return name.lower()
    i = rng.randrange(1, len(name) - 2)
    edit = rng.choice(["drop", "swap", "double"])
    if edit == "drop":
        return name[:i] + name[i + 1 :]
    if edit == "swap":
        return name[:i] + name[i + 1] + name[i] + name[i + 2 :]
    return name[:i] + name[i] + name[i:]


def _programmes(rng: random.Random) -> None:
    from buddywerk.geo.distance import distance_km
    from buddywerk.geo.models import Municipality
    from buddywerk.organisations.models import (
        OrganisationKind,
        ParticipantKind,
        Programme,
        buddy_kind_choices,
    )

    served = list(Municipality.objects.served().select_related("province"))
    kinds = [code for code, _label in buddy_kind_choices()]
    through = Programme.municipalities.through
    links = []
    for n in range(PROGRAMMES):
        home = rng.choice(served)
        # A coverage area: the home municipality and up to 6 neighbours within 15 km.
        near = [m for m in served if distance_km(home.lat, home.lon, m.lat, m.lon) <= 15]
        coverage = {home, *rng.sample(near, min(len(near), rng.randint(0, 6)))}
        programme = Programme.objects.create(
            name=f"Buddywerking {home.name} {n}",
            kind=OrganisationKind.PROGRAMME,
            province=home.province,
            participant_kind=rng.choice(ParticipantKind.values),
            target_school_years=sorted(rng.sample(range(1, 13), rng.randint(0, 8))),
            buddy_kinds=sorted(rng.sample(kinds, rng.randint(0, len(kinds)))),
            meeting_modes=sorted(rng.sample(["school", "home", "online"], rng.randint(0, 3))),
            accepts_buddies=rng.random() < 0.8,
            accepts_referrals=rng.random() < 0.8,
        )
        links += [through(programme_id=programme.pk, municipality_id=m.nis_code) for m in coverage]
    through.objects.bulk_create(links)
    print(f"{PROGRAMMES} programmes with {len(links)} coverage links.")


def _queries(rng: random.Random) -> list[tuple[str, dict[str, str], str]]:
    """(kind, GET parameters, NIS code the place should resolve to)."""
    from buddywerk.geo.models import Municipality, Postcode

    served_postcodes = list(
        Postcode.objects.filter(municipality__province__region__in=["VLG", "BRU"]).values_list(
            "code", "municipality_id", "localities"
        )
    )
    served = list(Municipality.objects.served().values_list("name", "nis_code"))
    queries = []
    for i in range(QUERIES):
        shape = i % 5
        if shape == 0:
            code, nis, _loc = rng.choice(served_postcodes)
            queries.append(("postcode", {"q": code}, nis))
        elif shape == 1:
            name, nis = rng.choice(served)
            queries.append(("name with typo", {"q": _typo(rng, name)}, nis))
        elif shape == 2:
            code, nis, _loc = rng.choice(served_postcodes)
            queries.append(("postcode + km", {"q": code, "km": str(rng.choice([5, 10, 25]))}, nis))
        elif shape == 3:
            name, nis = rng.choice(served)
            params = {
                "q": name.lower(),
                "km": str(rng.choice([10, 50, 200])),
                "year": str(rng.randint(1, 12)),
                "mode": rng.choice(["", "school", "home", "online"]),
            }
            queries.append(("name + km + filters", params, nis))
        else:
            code, nis, localities = rng.choice(served_postcodes)
            locality = rng.choice(localities.split(";"))
            queries.append(("locality + km", {"q": locality, "km": "15"}, nis))
    return queries


def _percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


def run(configured_db: bool) -> None:
    _setup(configured_db)
    from django.db import connection, transaction
    from django.test import Client
    from django.test.utils import CaptureQueriesContext, setup_test_environment
    from django.urls import reverse

    from buddywerk.geo.places import place_lookup

    setup_test_environment()
    rng = random.Random(SEED)
    with transaction.atomic():
        _programmes(rng)
        queries = _queries(rng)
        client = Client()
        url = reverse("organisations:finder")
        started = time.perf_counter()
        place_lookup("2800")
        built_ms = (time.perf_counter() - started) * 1000
        print(f"Gazetteer built once per process in {built_ms:.0f} ms.")
        client.get(url, {"q": "2800"})  # warm up templates
        floor_url = reverse("privacy")
        client.get(floor_url)
        floors: list[float] = []
        timings: dict[str, list[float]] = {}
        counts: list[int] = []
        resolved = {}
        results = 0
        for kind, params, nis in queries:
            with CaptureQueriesContext(connection) as captured:
                started = time.perf_counter()
                response = client.get(url, params)
                elapsed = (time.perf_counter() - started) * 1000
            assert response.status_code == 200
            started = time.perf_counter()
            assert client.get(floor_url).status_code == 200
            floors.append((time.perf_counter() - started) * 1000)
            timings.setdefault(kind, []).append(elapsed)
            counts.append(len(captured))
            lookup = response.context["lookup"]
            ok = lookup is not None and lookup.place is not None
            ok = ok and lookup.place.municipality.nis_code == nis
            resolved.setdefault(kind, []).append(ok)
            results += len(response.context["results"] or [])
        transaction.set_rollback(True)

    every = [t for values in timings.values() for t in values]
    floor_median, floor_p95 = statistics.median(floors), _percentile(floors, 95)
    print(f"\n{QUERIES} finder requests (full page through the Django test client):")
    print(
        f"floor: the privacy page of the same server, median {floor_median:.1f} ms,"
        f" p95 {floor_p95:.1f} ms; load average {os.getloadavg()[0]:.2f} ({os.cpu_count()} cores)"
    )
    print(
        f"{'query':24} {'n':>4} {'median/floor':>13} {'p95/floor':>10}"
        f" {'median ms':>10} {'p95 ms':>8} {'resolved':>9}"
    )
    for kind, values in timings.items():
        hits = resolved[kind]
        print(
            f"{kind:24} {len(values):4} {statistics.median(values) / floor_median:12.1f}x"
            f" {_percentile(values, 95) / floor_p95:9.1f}x {statistics.median(values):10.1f} "
            f"{_percentile(values, 95):8.1f} {sum(hits):5}/{len(hits)}"
        )
    print(
        f"{'all':24} {len(every):4} {statistics.median(every) / floor_median:12.1f}x"
        f" {_percentile(every, 95) / floor_p95:9.1f}x {statistics.median(every):10.1f}"
        f" {_percentile(every, 95):8.1f}"
    )
    print(f"SQL queries per request: min {min(counts)}, max {max(counts)}")
    print(f"Programmes listed in all answers: {results}")
    print(f"Database: {connection.vendor}")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--configured-db",
        action="store_true",
        help="use DATABASE_URL (rolled back) instead of a temporary SQLite database",
    )
    run(parser.parse_args().configured_db)
