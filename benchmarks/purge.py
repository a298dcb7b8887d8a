"""Benchmark of the privacy purge (issue 15): archive a generated world's expired data.

    DATABASE_URL=postgres://... uv run python benchmarks/purge.py   # an EMPTY database
    uv run python benchmarks/purge.py                               # a throw-away SQLite
    BENCH_SCALE=10 ...                                              # Flanders' size

Builds the schema, runs `buddywerk generate --scale N` (seeded; eight school years up to
2025-2026), then purges as on 1 October 2026: every group of people whose data's period
has ended is written to the archive and deleted (privacy/purge.py). Prints the rows
anonymised per second.

The floor, timed in the same run on the same data before the purge: the cheapest way to
move that many rows, a plain copy of every meeting into a temporary table and a delete of
that table (two statements, no index, no check). The purge's rate is printed as a share of
the floor's rate, then in rows per second, with the load average. Target (issue 15): the
whole of Flanders' yearly purge (N=10: one school year of people, about a tenth of the
rows purged here at N=1 times ten) within 10 minutes; the script prints the estimate.
"""

import atexit
import datetime as dt
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

SCALE = int(os.environ.get("BENCH_SCALE", "1"))
ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

_tmp = tempfile.mkdtemp(prefix="bw-bench-")
atexit.register(shutil.rmtree, _tmp, True)
os.environ.setdefault("BUDDYWERK_VAR_DIR", _tmp)
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "buddywerk.settings")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402

from buddywerk.privacy import purge  # noqa: E402
from buddywerk.reports import generator  # noqa: E402
from buddywerk.trajectories.models import Meeting  # noqa: E402

TODAY = dt.date(2026, 10, 1)


def floor_rows_per_second() -> tuple[float, int]:
    """Copy every meeting into a temporary table and delete it: rows per second."""
    meetings = Meeting._meta.db_table
    with transaction.atomic(), connection.cursor() as cursor:
        start = time.perf_counter()
        cursor.execute(f"CREATE TEMPORARY TABLE bench_floor AS SELECT * FROM {meetings}")  # noqa: S608
        cursor.execute("DELETE FROM bench_floor")
        rows = cursor.rowcount
        seconds = time.perf_counter() - start
        cursor.execute("DROP TABLE bench_floor")
    return rows / seconds, rows


def main() -> None:
    print(f"Database: {connection.vendor} ({connection.settings_dict['NAME']}), scale {SCALE}")
    call_command("migrate", verbosity=0)
    if not generator.is_empty():
        sys.exit("The database already holds data: use an empty database.")
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
    floor, floor_rows = floor_rows_per_second()
    print(f"  floor: {floor_rows:,} meetings copied and deleted, {floor:,.0f} rows/s")

    start = time.perf_counter()
    due = purge.due_groups(today=TODAY)
    planned = time.perf_counter() - start
    done = purge.archive_groups(due, today=TODAY)
    seconds = time.perf_counter() - start
    rate = done.rows / seconds
    print(
        f"  purge: {done.rows:,} rows ({done.pupils:,} pupils, {done.families:,} families,"
        f" {done.referrals:,} referrals, {done.duos:,} duos, {done.meetings:,} meetings,"
        f" {done.scores:,} scores) in {seconds:.1f} s (planning {planned:.1f} s)"
    )
    print(f"  purge {rate / floor:6.3f} x floor rate  ({rate:,.0f} rows/s)")
    # A year's purge at N=10: ten times the people of one of the purged school years.
    years = 7  # the generated years the purge reaches (eight, the last one kept)
    yearly_rows = done.rows / years * 10 / SCALE
    print(
        f"  estimate for one year at N=10: {yearly_rows:,.0f} rows,"
        f" {yearly_rows / rate / 60:.1f} min (target 10 min)"
    )
    load = os.getloadavg()
    print(f"  load average after {load[0]:.2f}")


if __name__ == "__main__":
    main()
