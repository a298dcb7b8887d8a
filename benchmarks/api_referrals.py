"""Benchmark: a school's software lists its 1,000 referrals through the API, page by page,
on PostgreSQL with the N=1 data set (issue 18, "Tests and measures").

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/<empty database> \\
        uv run python benchmarks/api_referrals.py --setup   # once: migrate, generate --scale 1
    DATABASE_URL=... uv run python benchmarks/api_referrals.py  # the timing (rolled back)

`--setup` needs an EMPTY database: it migrates and adds `buddywerk generate --scale 1
--force` (200 schools, 16,000 referrals over eight school years). The run then, in one
transaction that is rolled back at the end, takes the school with the most referrals, tops
it up to exactly 1,000 (copies of its own referrals, each with a new pupil), gives it a staff
member with 2FA and a personal token made by `api.services.api_token_create`, and walks
`GET /api/v1/referrals?limit=50` from the first page to the last (20 pages) several rounds,
through the Django test client (the whole stack: middleware, token check, rate limit,
selectors, the one audit INSERT per page, JSON).

The floor (issue 22, point 1), in the same run through the same client: the cheapest page
of the same server, the privacy statement, requested right after each API page. Printed
first: the time per page as a multiple of the floor; then the times, the SQL queries per
page (the same on every page: tests/api/test_referral_pages.py asserts it) and the load.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT))  # tests.factories: a staff member with TOTP, as in the tests

TOTAL = 1000
LIMIT = 50
ROUNDS = int(os.environ.get("BENCH_ROUNDS", "5"))


def _percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


def setup() -> None:
    binary = Path(sys.executable).parent / "buddywerk"
    started = time.perf_counter()
    for args in (["migrate", "--no-input", "-v0"], ["generate", "--scale", "1", "--force", "-v0"]):
        subprocess.run([str(binary), *args], check=True, cwd=ROOT)  # noqa: S603
    print(f"set up in {time.perf_counter() - started:.0f} s")


def _school_with_1000_referrals():  # noqa: ANN202
    from django.db.models import Count

    from buddywerk.organisations.models import School
    from buddywerk.referrals.models import Pupil, Referral

    school = (
        School.objects.annotate(n=Count("referrals_made"))
        .filter(n__gt=0)
        .order_by("-n", "pk")
        .first()
    )
    if school is None:
        raise SystemExit("No referrals: run with --setup on an empty database first.")
    own = list(Referral.objects.filter(referrer=school, pupil__isnull=False).order_by("pk"))
    missing = TOTAL - len(own)
    if missing < 0:
        raise SystemExit(f"{school} already has {len(own)} referrals; expected at most {TOTAL}.")
    pupils, copies = [], []
    for n in range(missing):
        original = own[n % len(own)]
        pupil = Pupil.objects.get(pk=original.pupil_id)
        pupil.pk = pupil.id = None
        pupil.uuid = uuid.uuid4()
        pupils.append(pupil)
        copy = Referral.objects.get(pk=original.pk)
        copy.pk = copy.id = None
        copy.uuid = uuid.uuid4()
        copies.append(copy)
    Pupil.objects.bulk_create(pupils)
    for pupil, copy in zip(pupils, copies, strict=True):
        copy.pupil = pupil
    Referral.objects.bulk_create(copies)
    assert Referral.objects.filter(referrer=school).count() == TOTAL
    return school


def run() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "buddywerk.settings")
    import django

    django.setup()
    from django.conf import settings
    from django.core.signals import request_started
    from django.db import connection, reset_queries, transaction
    from django.test import Client
    from django.test.utils import CaptureQueriesContext, setup_test_environment
    from django.urls import reverse
    from django.utils import timezone

    from buddywerk.access.models import Role
    from buddywerk.api.models import ApiScope
    from buddywerk.api.services import api_token_create
    from tests.factories import UserFactory, member

    setup_test_environment()
    # Each request would empty the query log at its start: count the whole request.
    request_started.disconnect(reset_queries)
    settings.API_TOKEN_RATE_LIMIT = "100000/h"  # noqa: S105 - a rate, not a secret
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    with transaction.atomic():
        school = _school_with_1000_referrals()
        user = member(UserFactory(), school, Role.SCHOOL_STAFF)
        _token, key = api_token_create(
            actor=user,
            name="benchmark",
            scopes=[ApiScope.REFERRALS_READ],
            expires_on=timezone.localdate() + timezone.timedelta(days=7),
            allowed_ips=[],
        )
        client = Client(headers={"Authorization": f"Bearer {key}"})
        floor_client = Client()
        url, floor_url = "/api/v1/referrals", reverse("privacy")
        client.get(url, {"limit": LIMIT})  # warm up
        floor_client.get(floor_url)
        pages: list[float] = []
        floors: list[float] = []
        queries: list[int] = []
        walks: list[float] = []
        for _round in range(ROUNDS):
            cursor, listed, walk = None, 0, 0.0
            while True:
                params = {"limit": LIMIT, **({"cursor": cursor} if cursor else {})}
                with CaptureQueriesContext(connection) as captured:
                    started = time.perf_counter()
                    response = client.get(url, params)
                    elapsed = (time.perf_counter() - started) * 1000
                assert response.status_code == 200, response.content
                started = time.perf_counter()
                assert floor_client.get(floor_url).status_code == 200
                floors.append((time.perf_counter() - started) * 1000)
                pages.append(elapsed)
                walk += elapsed
                queries.append(len(captured))
                body = response.json()
                listed += len(body["items"])
                cursor = body["next_cursor"]
                if cursor is None:
                    break
            assert listed == TOTAL, listed
            walks.append(walk)
        vendor = connection.vendor
        transaction.set_rollback(True)

    median, p95 = statistics.median(pages), _percentile(pages, 95)
    floor_median, floor_p95 = statistics.median(floors), _percentile(floors, 95)
    print(
        f"\n{TOTAL} referrals of one school through GET /api/v1/referrals?limit={LIMIT}:"
        f" {TOTAL // LIMIT} pages x {ROUNDS} rounds ({vendor})"
    )
    print(f"per page / floor: median {median / floor_median:.1f} x, p95 {p95 / floor_p95:.1f} x")
    print(f"per page: median {median:.1f} ms, p95 {p95:.1f} ms")
    print(
        f"floor (the privacy page, same client): median {floor_median:.1f} ms,"
        f" p95 {floor_p95:.1f} ms"
    )
    print(f"all {TOTAL} referrals: median {statistics.median(walks):.0f} ms per walk")
    print(f"SQL queries per page: min {min(queries)}, max {max(queries)}")
    one, five, fifteen = os.getloadavg()
    print(f"load average {one:.2f} / {five:.2f} / {fifteen:.2f} ({os.cpu_count()} cores)")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--setup", action="store_true", help="prepare an EMPTY database first")
    args = parser.parse_args()
    if not os.environ.get("DATABASE_URL", "").startswith(("postgres://", "postgresql://")):
        raise SystemExit("Set DATABASE_URL to a PostgreSQL database (see the docstring).")
    if args.setup:
        setup()
    run()
