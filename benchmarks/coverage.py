"""Benchmark of the coverage map (issue 19 point 5).

    uv run python benchmarks/coverage.py                  # a throw-away SQLite database
    DATABASE_URL=postgres://... uv run python benchmarks/coverage.py   # an EMPTY database
    BENCH_SCALE=10 ...                                    # the Flanders-scale data set
    BENCH_REUSE=1 ...           # time again on a database this script filled before

Builds the schema, runs `buddywerk generate --scale N` (seeded), then renders the map page
(the view, with its template) warm for the funder (all of Flanders and Brussels, in bands),
a platform admin, a regional coordinator (their province) and a programme coordinator
(their coverage area and where their waiting referrals come from), each for this school
year (the default, running) and the last one (a past period), and prints the median time
as a multiple of the floor, the number of SQL queries, and the size of the SVG of Flanders
and Brussels. The floor: the cheapest page of the same code, the privacy statement, rendered
the same way in the same run. Targets: the page <= 300 ms warm at N=10 on PostgreSQL, the
SVG <= 400 KB uncompressed.
"""

import atexit
import os
import re
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

SCALE = int(os.environ.get("BENCH_SCALE", "1"))
ROUNDS = int(os.environ.get("BENCH_ROUNDS", "5"))
ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

_tmp = tempfile.mkdtemp(prefix="bw-bench-")
atexit.register(shutil.rmtree, _tmp, True)
os.environ.setdefault("BUDDYWERK_VAR_DIR", _tmp)
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "buddywerk.settings")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import RequestFactory  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.utils import timezone  # noqa: E402

from buddywerk.access import policy  # noqa: E402
from buddywerk.access.models import Membership, Role  # noqa: E402
from buddywerk.common import views as common_views  # noqa: E402
from buddywerk.coverage import views  # noqa: E402
from buddywerk.reports import generator, periods  # noqa: E402

TARGET_MS = 300
TARGET_SVG_KB = 400


def request_for(user, path="/coverage/"):
    request = RequestFactory().get(path)
    request.user = user
    request.htmx = False
    return request


def timed(func, rounds=ROUNDS):
    func()  # warm: the gazetteer, the shapes and the drawing are read once per process
    runs = []
    for _ in range(rounds):
        with CaptureQueriesContext(connection) as queries:
            start = time.perf_counter()
            func()
            runs.append((time.perf_counter() - start, len(queries)))
    return statistics.median(r[0] for r in runs), min(r[0] for r in runs), runs[0][1]


def fresh(user):
    policy.forget_memberships(user)
    for attr in ("_buddywerk_region_provinces",):
        if hasattr(user, attr):
            delattr(user, attr)
    return user


def main() -> None:
    print(f"Database: {connection.vendor} ({connection.settings_dict['NAME']}), scale {SCALE}")
    call_command("migrate", verbosity=0)
    if not generator.is_empty():
        if not os.environ.get("BENCH_REUSE"):
            sys.exit("The database already holds data: use an empty database.")
        print("Reusing the data in the database (BENCH_REUSE).")
    else:
        start = time.perf_counter()
        counts = generator.generate(scale=SCALE)
        print(
            f"Generated in {time.perf_counter() - start:.0f} s: "
            + ", ".join(f"{v:,} {k}" for k, v in counts.items())
        )
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    load = os.getloadavg()
    print(f"  load average {load[0]:.2f} / {load[1]:.2f} / {load[2]:.2f} ({os.cpu_count()} cores)")
    anyone = Membership.objects.select_related("user").first().user
    floor, _, _ = timed(lambda: common_views.privacy(request_for(anyone, "/privacy/")))
    print(f"  floor: the privacy statement, median {floor * 1000:.1f} ms")
    failed = False
    readers = [
        (label, m.user)
        for label, role in (
            ("funder", Role.FUNDER),
            ("platform admin", Role.PLATFORM_ADMIN),
            ("regional coordinator", Role.REGIONAL_COORDINATOR),
            ("programme coordinator", Role.PROGRAMME_COORDINATOR),
        )
        for m in Membership.objects.filter(role=role).select_related("user").order_by("pk")[:1]
    ]
    this_year = periods.school_year_of(timezone.localdate())
    years = (
        ("this school year", ""),  # the default: the whole current school year, running
        ("last school year", f"?period={periods.FINAL}&school_year={this_year - 1}"),
    )
    for label, user in readers:
        for year, query in years:
            seconds, best, queries = timed(
                lambda u=user, q=query: views.coverage_map(request_for(fresh(u), f"/coverage/{q}"))
            )
            print(
                f"  map page, {label:22} {year:17} {seconds / floor:6.1f} x floor"
                f"  (median {seconds * 1000:7.1f} ms, best {best * 1000:7.1f} ms)"
                f"  queries {queries}"
            )
            failed |= seconds * 1000 > TARGET_MS
    funder = next((u for label, u in readers if label == "funder"), None)
    if funder is not None:
        html = views.coverage_map(request_for(fresh(funder))).content.decode()
        svg = re.search(r'<svg [^>]*id="coverage-map">.*?</svg>', html, re.S).group(0)
        size_kb = len(svg.encode()) / 1024
        paths = svg.count("<path ")
        print(
            f"  SVG of Flanders and Brussels: {size_kb:.0f} KB uncompressed, {paths} paths"
            f" (target <= {TARGET_SVG_KB} KB)"
        )
        failed |= size_kb > TARGET_SVG_KB
    load = os.getloadavg()
    print(f"  load average after {load[0]:.2f}")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
