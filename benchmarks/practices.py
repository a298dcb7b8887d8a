"""Benchmark of the practice search at 10,000 sheets (issue 6).

    uv run python benchmarks/practices.py                 # a throw-away SQLite database
    DATABASE_URL=postgres://... uv run python benchmarks/practices.py   # an EMPTY database

Builds the schema in a fresh database, generates 10,000 published sheets with Dutch text,
places, categories, policy domains and target groups, then times what the search page
does for a set of queries (count, first page of 20 with its relations, four facets) and
prints the median and 95th percentile and the number of SQL queries per search.

The floor (issue 22, point 1), timed in the same run on the same sheets: one bare query for
the first page of the same words, without facets, filters or relations. On PostgreSQL the
`search_vector @@ to_tsquery('dutch', ...)` match ordered by `ts_rank` (the GIN index); on
SQLite, which has no tsvector, the equivalent: the stems matched with LIKE on the stored
stem column, ordered by title. Each search prints its time as a multiple of its floor first.
"""

import atexit
import os
import random
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

SHEETS = int(os.environ.get("BENCH_SHEETS", "10000"))
ROUNDS = int(os.environ.get("BENCH_ROUNDS", "5"))
ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

# A throw-away var/ (the SQLite database and a secret key), removed when the run ends.
_tmp = tempfile.mkdtemp(prefix="bw-bench-")
atexit.register(shutil.rmtree, _tmp, True)
os.environ.setdefault("BUDDYWERK_VAR_DIR", _tmp)
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "buddywerk.settings")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.utils import timezone  # noqa: E402

from buddywerk.geo.models import Municipality  # noqa: E402
from buddywerk.network.models import (  # noqa: E402
    PolicyDomain,
    Practice,
    PracticeCategory,
    TargetGroup,
)
from buddywerk.network.search import (  # noqa: E402
    PracticeFilters,
    has_facet_filters,
    practice_facets,
    practice_search,
    practice_search_ids,
    practices_in_order,
    uses_postgres,
)
from buddywerk.network.selectors import practice_list_related  # noqa: E402
from buddywerk.network.text import stem_document, stems, tsquery_text  # noqa: E402

WORDS = (
    "buddy buddy's gezin gezinnen kind kinderen leerling leerlingen school scholen huiswerk "
    "taal Nederlands oefenen vrijwilliger vrijwilligers student studenten ouders stad "
    "gemeente bibliotheek speelplein kinderopvang taalkamp welbevinden zelfvertrouwen "
    "talent netwerk nieuwkomers ontmoeting vrije tijd sport cultuur begeleiding wekelijks "
    "samen op stap luisterend oor motivatie studiemethode wiskunde lezen schrijven tandem "
    "leerkracht zorgcoördinator intervisie traject afspraken jongeren hoger onderwijs"
).split()

QUERIES = [
    PracticeFilters(q="gezinnen"),
    PracticeFilters(q="buddy's"),
    PracticeFilters(q="huiswerk kinderen"),
    PracticeFilters(q="taalkamp Nederlands oefenen"),
    PracticeFilters(q="studenten", provinces=["VAN"]),
    PracticeFilters(q="", provinces=["VOV"], categories=["gezinsbuddy"]),
    PracticeFilters(q="welbevinden", policy_domains=["onderwijs"]),
    PracticeFilters(q="zwembad"),
    PracticeFilters(),
]


# Real sheets use a far larger vocabulary than the domain words above: most words of a
# generated sentence come from a pool of pseudo-words, so a query word matches a realistic
# share of the sheets (roughly one in five to ten) instead of nearly all of them.
_FILLER_RNG = random.Random(7)
FILLER = [
    "".join(_FILLER_RNG.choice("aeioubdgklmnprstvz") for _ in range(_FILLER_RNG.randint(4, 9)))
    for _ in range(3000)
]
DOMAIN_SHARE = 0.15


def word(rng: random.Random) -> str:
    return rng.choice(WORDS) if rng.random() < DOMAIN_SHARE else rng.choice(FILLER)


def sentence(rng: random.Random, n: int) -> str:
    return " ".join(word(rng) for _ in range(n)).capitalize() + "."


def generate() -> None:
    rng = random.Random(2026)
    places = list(Municipality.objects.served().values_list("nis_code", flat=True))
    categories = list(PracticeCategory.objects.values_list("pk", flat=True))
    domains = list(PolicyDomain.objects.values_list("pk", flat=True))
    targets = list(TargetGroup.objects.values_list("pk", flat=True))
    now = timezone.now()
    rows = []
    for i in range(SHEETS):
        title = f"{sentence(rng, 4)[:-1]} {i}"
        summary = sentence(rng, 14)
        goals = "\n".join(sentence(rng, 6) for _ in range(3))
        rest = sentence(rng, 40)
        rows.append(
            Practice(
                title=title,
                organisation_name=f"Organisatie {i % 700}",
                summary=summary,
                description=rest,
                goals=goals,
                target_group=sentence(rng, 5),
                success_factors=sentence(rng, 12),
                challenges=sentence(rng, 12),
                published_at=now,
                title_stems=stem_document(title),
                search_stems=stem_document(f"{title} {summary} {goals} {rest}"),
            )
        )
    Practice.objects.bulk_create(rows, batch_size=1000)
    ids = list(Practice.objects.values_list("pk", flat=True))
    through = {
        "places": (Practice.places.through, "municipality_id", places, 1, 3),
        "categories": (Practice.categories.through, "practicecategory_id", categories, 1, 3),
        "policy_domains": (Practice.policy_domains.through, "policydomain_id", domains, 1, 2),
        "target_groups": (Practice.target_groups.through, "targetgroup_id", targets, 1, 2),
    }
    for model, column, choices, low, high in through.values():
        links = [
            model(practice_id=pk, **{column: value})
            for pk in ids
            for value in rng.sample(choices, rng.randint(low, high))
        ]
        model.objects.bulk_create(links, batch_size=5000)
    if uses_postgres():
        from django.contrib.postgres.search import SearchVector

        # The same weights as network.search.practice_index (A title, B summary and
        # organisation, C the rest), in one statement for the whole table.
        Practice.objects.update(
            search_vector=SearchVector("title", weight="A", config="dutch")
            + SearchVector("summary", "organisation_name", weight="B", config="dutch")
            + SearchVector(
                "description",
                "goals",
                "target_group",
                "success_factors",
                "challenges",
                weight="C",
                config="dutch",
            )
        )
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE network_practice")


def one_search(filters: PracticeFilters) -> tuple[float, int, int]:
    """What the search page does: count, first page with relations, four facets."""
    with CaptureQueriesContext(connection) as queries:
        start = time.perf_counter()
        if not has_facet_filters(filters):
            results: Any = practice_search(filters)
            total = results.count()
            page = list(practice_list_related(results)[:20])
        else:
            results = practice_search_ids(filters)
            total = len(results)
            page = practices_in_order(results[:20])
        for practice in page:
            list(practice.places.all())
            list(practice.categories.all())
        for facet in practice_facets(results):
            list(facet.options)
        elapsed = time.perf_counter() - start
    return elapsed, len(queries), total


def floor_search(filters: PracticeFilters) -> float:
    """One bare query for the first page of the same words (no facets, filters, relations)."""
    table = Practice._meta.db_table
    if not filters.q.strip():
        sql, params = f"SELECT id, title FROM {table} ORDER BY title LIMIT 20", []  # noqa: S608
    elif uses_postgres():
        sql = (
            f"SELECT id, title FROM {table}, to_tsquery('dutch', %s) query"  # noqa: S608
            " WHERE search_vector @@ query ORDER BY ts_rank(search_vector, query) DESC"
            " LIMIT 20"
        )
        params = [tsquery_text(filters.q)]
    else:
        terms = list(dict.fromkeys(stems(filters.q)))
        where = " AND ".join("search_stems LIKE %s" for _ in terms) or "1 = 1"
        sql = f"SELECT id, title FROM {table} WHERE {where} ORDER BY title LIMIT 20"  # noqa: S608
        params = [f"% {term} %" for term in terms]
    start = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        cursor.fetchall()
    return time.perf_counter() - start


def main() -> None:
    vendor = connection.vendor
    print(f"Database: {vendor} ({connection.settings_dict['NAME']})")
    call_command("migrate", verbosity=0)
    if Practice.objects.exists():
        sys.exit("The database already holds practice sheets: use an empty database.")
    start = time.perf_counter()
    generate()
    print(f"Generated {SHEETS:,} sheets in {time.perf_counter() - start:.1f} s")
    load = os.getloadavg()
    print(f"Load average {load[0]:.2f} / {load[1]:.2f} / {load[2]:.2f} ({os.cpu_count()} cores)")
    timings: list[float] = []
    floors: list[float] = []
    ratios: list[float] = []
    for filters in QUERIES:
        one_search(filters)  # warm the caches once
        floor_search(filters)
        runs, floor_runs = [], []
        for _ in range(ROUNDS):  # alternately, so both see the same load
            runs.append(one_search(filters))
            floor_runs.append(floor_search(filters))
        elapsed = [r[0] for r in runs]
        timings.extend(elapsed)
        floors.extend(floor_runs)
        ratio = statistics.median(elapsed) / statistics.median(floor_runs)
        ratios.append(ratio)
        label = filters.q or "(no words)"
        facets = ",".join(
            f"{k}={v}"
            for k, v in {
                "province": filters.provinces,
                "category": filters.categories,
                "domain": filters.policy_domains,
            }.items()
            if v
        )
        print(
            f"  {label:32} {facets:28} {runs[0][2]:6} hits  {ratio:6.1f} x floor  "
            f"(median {statistics.median(elapsed) * 1000:7.1f} ms,"
            f" floor {statistics.median(floor_runs) * 1000:6.1f} ms)  queries {runs[0][1]}"
        )
    timings.sort()
    p95 = timings[max(0, int(round(0.95 * len(timings))) - 1)]
    print(
        f"All searches ({len(timings)}): median {statistics.median(ratios):.1f} x floor"
        f" (per search {min(ratios):.1f}-{max(ratios):.1f} x);"
        f" median {statistics.median(timings) * 1000:.1f} ms, p95 {p95 * 1000:.1f} ms;"
        f" floor median {statistics.median(floors) * 1000:.1f} ms;"
        f" load average after {os.getloadavg()[0]:.2f}"
    )


if __name__ == "__main__":
    main()
