"""Benchmark of the funder's report and the home-page dashboards (issue 7).

    uv run python benchmarks/reports.py                  # a throw-away SQLite database
    DATABASE_URL=postgres://... uv run python benchmarks/reports.py   # an EMPTY database
    BENCH_SCALE=10 ...                                   # the Flanders-scale data set
    BENCH_REUSE=1 ...           # time again on a database this script filled before
    BENCH_FROM_MEETINGS=1 ...   # the report from the meetings, not the rollup (before/after)

Builds the schema, runs `buddywerk generate --scale N` (seeded), then times the full
report of Flanders and Brussels for the interim and the final period of the school year,
a city's report (the municipality with the most pupils, issue 14 point 3), the combined
final report for the funder as XLSX and PDF (figures in total and per programme with the
qualitative part, issue 14 point 5), and each role's dashboard, and prints the median time
and the number of SQL queries.

The floor (issue 22, point 1): one grouped aggregate over the period's meetings joined to
their duos (meetings and minutes per programme and status, and the distinct duos), timed in
the same run on the same data. Every figure is printed as a multiple of that floor first,
then in milliseconds, with the load average. Targets at N=10 on PostgreSQL: report <= 2 s,
every dashboard <= 300 ms.
"""

import atexit
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

SCALE = int(os.environ.get("BENCH_SCALE", "1"))
ROUNDS = int(os.environ.get("BENCH_ROUNDS", "5"))
# None: the rollup per duo and month for whole-month periods (the product's choice).
FROM_ROLLUP = False if os.environ.get("BENCH_FROM_MEETINGS") else None
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
from django.db.models import Count  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from buddywerk.access import policy  # noqa: E402
from buddywerk.access.models import Membership, Role  # noqa: E402
from buddywerk.geo.models import Municipality  # noqa: E402
from buddywerk.referrals.models import Pupil  # noqa: E402
from buddywerk.reports import (  # noqa: E402
    dashboards,
    generator,
    periods,
    qualitative,
    qualitative_export,
)
from buddywerk.reports.figures import Scope, build_report, with_display  # noqa: E402
from buddywerk.reports.qualitative_models import QualitativeKind, QualitativePeriod  # noqa: E402
from buddywerk.reports.qualitative_services import qualitative_period_open  # noqa: E402
from buddywerk.trajectories.models import Meeting, Trajectory  # noqa: E402


def floor_query(period) -> None:
    """One grouped aggregate over the period's meetings joined to their duos."""
    meetings, duos = Meeting._meta.db_table, Trajectory._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT d.programme_id, m.status, COUNT(*), SUM(m.duration_minutes),"  # noqa: S608
            f" COUNT(DISTINCT m.trajectory_id) FROM {meetings} m"
            f" JOIN {duos} d ON d.id = m.trajectory_id"
            " WHERE m.date BETWEEN %s AND %s GROUP BY d.programme_id, m.status",
            [period.start, period.end],
        )
        cursor.fetchall()


def timed(func, rounds=ROUNDS, warm=True):
    if warm:
        func()  # warm the caches once
    runs = []
    for _ in range(rounds):
        with CaptureQueriesContext(connection) as queries:
            start = time.perf_counter()
            func()
            runs.append((time.perf_counter() - start, len(queries)))
    return statistics.median(r[0] for r in runs), runs[0][1]


def main() -> None:
    print(f"Database: {connection.vendor} ({connection.settings_dict['NAME']}), scale {SCALE}")
    print("Report from " + ("the meetings" if FROM_ROLLUP is False else "the rollup"))
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
    floor = None
    for label, period in (("interim", periods.interim(2025)), ("final", periods.final(2025))):
        floor_s, _ = timed(lambda p=period: floor_query(p))
        floor = floor_s if floor is None else max(floor, floor_s)
        seconds, queries = timed(
            lambda p=period: with_display(
                build_report(Scope(), p, from_rollup=FROM_ROLLUP), suppress=True
            )
        )
        print(
            f"  report Flanders+Brussels {label:8} {seconds / floor_s:5.1f} x floor"
            f"  (median {seconds * 1000:7.0f} ms, floor {floor_s * 1000:6.0f} ms)"
            f"  queries {queries}"
        )
    city = (
        Municipality.objects.filter(pk__in=Pupil.objects.values("school__municipality"))
        .annotate(n=Count("schools__pupils"))
        .order_by("-n")
        .first()
    )
    if city is not None:
        seconds, queries = timed(
            lambda: with_display(
                build_report(Scope(municipality=city), periods.final(2025)), suppress=True
            )
        )
        print(
            f"  report of the city {city.name:14} {seconds / floor:5.1f} x floor"
            f"  (median {seconds * 1000:7.0f} ms)  queries {queries}"
        )
    funder = Membership.objects.filter(role=Role.FUNDER).select_related("user").first()
    if funder is not None:
        period = QualitativePeriod.objects.filter(
            kind=QualitativeKind.FINAL, school_year=2025
        ).first() or qualitative_period_open(
            kind=QualitativeKind.FINAL,
            school_year=2025,
            questions=["What went well?", "What would you change?"],
            actor=None,
        )
        programmes = sum(r.kind != qualitative.REGION for r in qualitative.respondents(period))
        for fmt, write in (
            ("xlsx", qualitative_export.to_xlsx),
            ("pdf", qualitative_export.to_pdf),
        ):
            seconds, queries = timed(
                lambda w=write: w(qualitative_export.build_combined(period, user=funder.user)),
                rounds=1,
                warm=False,
            )
            print(
                f"  combined final report {fmt:4} {seconds / floor:6.1f} x floor"
                f"  (median {seconds * 1000:7.0f} ms, {programmes} programmes)"
                f"  queries {queries}"
            )
    for role in Role:
        membership = Membership.objects.filter(role=role).select_related("user").first()
        if membership is None:
            continue
        user = membership.user

        def run(u=user):
            policy.forget_memberships(u)
            for attr in ("_buddywerk_region_provinces",):
                if hasattr(u, attr):
                    delattr(u, attr)
            dashboards.panels_for(u)

        seconds, queries = timed(run)
        print(
            f"  dashboard {role.value:24} {seconds / floor:5.2f} x floor"
            f"  (median {seconds * 1000:7.1f} ms)  queries {queries}"
        )
    load = os.getloadavg()
    print(
        f"  floor = the aggregate over the final period's meetings; load average after"
        f" {load[0]:.2f}"
    )


if __name__ == "__main__":
    main()
