"""Every role's everyday pages of the load scenario (issue 17 point 4), in one process,
against the cheapest page of the same server: the privacy statement (issue 22 point 1).

    DATABASE_URL=postgres://.../<database of benchmarks/load/run.py --setup> \\
        uv run python benchmarks/pages.py [--rounds 60] [--page duo]

The database must hold the demo world (the logins) and N=1 generated data, as
`benchmarks/load/run.py --setup` leaves it (use a copy: the pages write their view audit
events, and the sign-in its session). Each role of the locust scenario signs in as people
do, with password and TOTP code of the demo secret (benchmarks/load/locustfile.py), then
the pages are requested through Django's test client in rounds, every page once a round in
the same order, so that a moment of load elsewhere on the machine falls on all of them.
Prints per page the p95 as a multiple of the static page's p95 in the same run (the load
target is at most 4 x), the same for the median and for the median CPU time of this
process (steadier than wall-clock when other work shares the machine, but without the
database's share), the median and p95 in ms, the CPU ms, and the SQL queries of one
request. The funder's report is listed for completeness (it is served from a stored
result, issue 22 point 2).
"""

from __future__ import annotations

import argparse
import itertools
import os
import re
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

_var = Path(tempfile.mkdtemp(prefix="bw-pages-"))
(_var / "static").mkdir()
os.environ.setdefault("BUDDYWERK_VAR_DIR", str(_var))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "buddywerk.settings")
os.environ.setdefault("COOKIE_SECURE", "false")
os.environ.setdefault("LOG_LEVEL", "WARNING")
os.environ.setdefault("EMAIL_URL", "locmem://")

import django  # noqa: E402

django.setup()

from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value  # noqa: E402
from django.conf import settings  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

# As benchmarks/load/locustfile.py (not imported: locust patches threads on import).
DEMO_PASSWORD = "Buddywerk-demo-2026"  # noqa: S105 - README: the demo database only
DEMO_TOTP_SECRET = "BUDDYWERKDEMO234"  # noqa: S105 - README: the demo database only
DOMAIN = "demo.buddywerk.be"
UUID = r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"
PLACES = ["2800", "9000", "Mechelen", "Gent", "Antwerpen", "3000", "Brugge", "1000", "Hasselt"]
WORDS = ["huiswerk", "taal", "gezinnen", "welbevinden", "rekenen", "nieuwkomers", ""]

STATIC = "static page (privacy)"


def sign_in(account: str) -> Client:
    """Password, then the TOTP code, as the locust scenario signs in."""
    client = Client()
    email = f"{account}@{DOMAIN}"
    response = client.post("/accounts/login/", {"login": email, "password": DEMO_PASSWORD})
    if "/accounts/2fa/authenticate/" in response.get("Location", ""):
        # allauth refuses a code used just before for the same account: try the next step
        for _attempt in range(2):
            code = format_hotp_value(hotp_value(DEMO_TOTP_SECRET, int(time.time()) // 30))
            response = client.post("/accounts/2fa/authenticate/", {"code": code})
            if "/accounts/" not in response.get("Location", "/accounts/"):
                break
            time.sleep(30 - time.time() % 30 + 1)
    if response.status_code != 302 or "/accounts/" in response.get("Location", ""):
        raise SystemExit(f"sign-in of {email} failed ({response.status_code})")
    return client


def uuids(client: Client, url: str, prefix: str) -> list[str]:
    text = client.get(url).content.decode()
    found = sorted(set(re.findall(rf"{prefix}({UUID})/", text)))
    if not found:
        raise SystemExit(f"no {prefix} links on {url}")
    return found


def cycle(template: str, values: list[str]) -> Callable[[], str]:
    items = itertools.cycle(values)
    return lambda: template.format(next(items))


def pages() -> list[tuple[str, Client, Callable[[], str]]]:
    anonymous = Client()
    coordinator = sign_in("coordinator.mechelen")
    buddy = sign_in("buddy.stagiair")
    school = sign_in("zorg.ursulinen")
    funder = sign_in("funder")
    referrals = uuids(coordinator, "/referrals/queue/", "/referrals/")
    coordinator_duos = uuids(coordinator, "/duos/", "/duos/")
    buddy_duos = uuids(buddy, "/duos/", "/duos/")
    # the form of a running duo (a closed duo's form redirects to the duo page)
    running = [u for u in buddy_duos if buddy.get(f"/duos/{u}/meetings/new/").status_code == 200]
    fixed = lambda url: lambda: url  # noqa: E731
    return [
        (STATIC, anonymous, fixed("/privacy/")),
        ("static page, signed in (coordinator)", coordinator, fixed("/privacy/")),
        ("finder", anonymous, cycle("/programmes/?q={}", PLACES)),
        ("practice search", anonymous, cycle("/network/practices/?q={}", WORDS)),
        ("coordinator: home", coordinator, fixed("/")),
        ("coordinator: queue", coordinator, fixed("/referrals/queue/")),
        ("coordinator: suggestions", coordinator, cycle("/matching/referral/{}/", referrals)),
        ("coordinator: duo list", coordinator, fixed("/duos/")),
        ("coordinator: duo page", coordinator, cycle("/duos/{}/", coordinator_duos)),
        ("buddy: duo list", buddy, fixed("/duos/")),
        ("buddy: duo page", buddy, cycle("/duos/{}/", buddy_duos)),
        ("buddy: meeting form", buddy, cycle("/duos/{}/meetings/new/", running)),
        ("school: home", school, fixed("/")),
        ("school: referral list", school, fixed("/referrals/")),
        ("school: pupil list", school, fixed("/pupils/")),
        ("funder: home", funder, fixed("/")),
        ("funder: report", funder, fixed("/reports/")),
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=60)
    parser.add_argument("--page", help="only pages whose name holds this (and the static page)")
    args = parser.parse_args()
    if connection.vendor != "postgresql":
        raise SystemExit("Set DATABASE_URL to the PostgreSQL database of the load run (see above).")
    settings.ALLOWED_HOSTS = ["testserver", *settings.ALLOWED_HOSTS]
    chosen = [p for p in pages() if p[0] == STATIC or not args.page or args.page in p[0]]
    load_before = os.getloadavg()
    queries: dict[str, int] = {}
    for name, client, url in chosen:  # warm up: templates, caches, connections
        with CaptureQueriesContext(connection) as captured:
            response = client.get(url())
        if response.status_code != 200:
            raise SystemExit(f"{name}: {response.status_code} {response.get('Location', '')}")
        queries[name] = len(captured)
    times: dict[str, list[float]] = {name: [] for name, _c, _u in chosen}
    cpu: dict[str, list[float]] = {name: [] for name, _c, _u in chosen}
    for _ in range(args.rounds):
        for name, client, url in chosen:
            path = url()
            started, cpu_started = time.perf_counter(), time.process_time()
            response = client.get(path)
            times[name].append(1000 * (time.perf_counter() - started))
            cpu[name].append(1000 * (time.process_time() - cpu_started))
            if response.status_code != 200:
                raise SystemExit(f"{name} {path}: {response.status_code}")

    def p95(values: list[float]) -> float:
        return statistics.quantiles(values, n=20)[18]

    static_median, static_p95 = statistics.median(times[STATIC]), p95(times[STATIC])
    static_cpu = statistics.median(cpu[STATIC])
    load_after = os.getloadavg()
    print(
        f"{args.rounds} rounds; load average before {load_before[0]:.2f}, after "
        f"{load_after[0]:.2f}; static page median {static_median:.1f} ms, p95 {static_p95:.1f} ms"
    )
    # CPU: this process's own time for the request (Python: ORM, templates), which other
    # work on the machine disturbs far less than wall-clock; the database's share is not in it.
    print(
        f"  {'page':<38} {'x static p95':>12} {'x median':>8} {'x CPU':>6} "
        f"{'median':>7} {'p95':>6} {'CPU':>5} {'SQL':>4}"
    )
    for name, _client, _url in chosen:
        median, high = statistics.median(times[name]), p95(times[name])
        own = statistics.median(cpu[name])
        print(
            f"  {name:<38} {high / static_p95:>12.1f} {median / static_median:>8.1f} "
            f"{own / static_cpu:>6.1f} {median:>7.1f} {high:>6.1f} {own:>5.1f} {queries[name]:>4}"
        )


if __name__ == "__main__":
    main()
