"""One command for the load test (issue 17, point 4): start `buddywerk serve` on PostgreSQL
with the demo world and N=1 generated data, run the locust scenario headless, print the
table per page against the targets, stop everything.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/buddywerk_load \\
        uv run python benchmarks/load/run.py --setup        # once: migrate, demo, generate
    DATABASE_URL=... uv run python benchmarks/load/run.py   # 16 users, 10 minutes

`--setup` needs an EMPTY database: it migrates, builds the demo world (the logins) and
adds `buddywerk generate --scale 1 --force` (a medium-sized Flanders: 200 schools, 800
buddies, 2,000 referrals a year over eight years). The run then writes meetings into it,
so figures of later runs are on slightly more data.

Targets: no failed request, no server error, and for every page a p95 of at most 500 ms
and at most 4 times the p95 of the static page (the privacy statement) in the same run.
The exit code is 1 when a target is missed.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import os
import re
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
STATIC = "static page (privacy)"
SETUP_PREFIX = "sign in"
MAX_RATIO = 4.0
MAX_P95_MS = 500.0


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _load() -> str:
    one, five, fifteen = os.getloadavg()
    return f"{one:.2f} / {five:.2f} / {fifteen:.2f}"


def _buddywerk(*args: str, env: dict[str, str]) -> None:
    subprocess.run([str(BIN / "buddywerk"), *args], env=env, check=True, cwd=ROOT)  # noqa: S603


def setup(env: dict[str, str]) -> None:
    started = time.perf_counter()
    _buddywerk("migrate", "--no-input", "-v0", env=env)
    _buddywerk("createcachetable", env=env)
    subprocess.run(  # noqa: S603 - our own interpreter
        [
            sys.executable,
            "-c",
            "import django; django.setup(); "
            "from buddywerk.demo.world import build_world; build_world()",
        ],
        env=env,
        check=True,
        cwd=ROOT,
    )
    # The current school year, so the generated duos run today as the demo's do.
    today = dt.datetime.now().astimezone().date()
    school_year = today.year if today.month >= 9 else today.year - 1
    _buddywerk(
        "generate", "--scale", "1", "--school-year", str(school_year), "--force", "-v0", env=env
    )
    # The first scheduled run purges the generated years past their retention (minutes at
    # N=1); a server that runs every day purges one day's worth, so do it before measuring.
    _buddywerk("run-scheduled", env=env)
    print(f"set up in {time.perf_counter() - started:.0f} s")


def _wait_ready(url: str, seconds: float = 180) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=5) as response:  # noqa: S310 - loopback
                if response.status == 200:
                    return
        except OSError:
            pass
        time.sleep(1)
    raise SystemExit(f"the server did not become ready at {url}")


def _table(stats_csv: Path) -> tuple[list[dict[str, str]], dict[str, str]]:
    with stats_csv.open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    total = next(r for r in rows if r["Name"] == "Aggregated")
    pages = [r for r in rows if r["Name"] != "Aggregated"]
    return pages, total


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--setup", action="store_true", help="prepare an EMPTY database first")
    parser.add_argument("--users", type=int, default=16)
    parser.add_argument("--spawn-rate", type=float, default=2)
    parser.add_argument("--minutes", type=float, default=10)
    parser.add_argument("--web-workers", type=int, default=0, help="0: 2 x cores + 1")
    parser.add_argument("--keep", type=Path, help="keep the CSV files and logs here")
    args = parser.parse_args()
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        raise SystemExit("Set DATABASE_URL to a PostgreSQL database (see the docstring).")

    work = args.keep or Path(tempfile.mkdtemp(prefix="buddywerk-load-"))
    work.mkdir(parents=True, exist_ok=True)
    (work / "var" / "static").mkdir(parents=True, exist_ok=True)
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "buddywerk.settings",
        "BUDDYWERK_VAR_DIR": str(work / "var"),
        # plain http on the loopback: cookies without the Secure flag
        "COOKIE_SECURE": "false",
        "EMAIL_URL": "locmem://",
        "LOG_LEVEL": "INFO",
        "PYTHONUNBUFFERED": "1",
    }
    if args.setup:
        setup(env)

    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    server_log = work / "server.log"
    load_before = _load()
    with server_log.open("wb") as log:
        server = subprocess.Popen(  # noqa: S603 - our own entry point
            [
                str(BIN / "buddywerk"),
                "serve",
                "--bind",
                f"127.0.0.1:{port}",
                "--web-workers",
                str(args.web_workers),
            ],
            env=env,
            cwd=ROOT,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    try:
        _wait_ready(f"{base}/readyz")
        print(f"server ready at {base}; load average {_load()}; running locust ...", flush=True)
        subprocess.run(  # noqa: S603 - locust from this environment
            [
                str(BIN / "locust"),
                "-f",
                str(Path(__file__).with_name("locustfile.py")),
                "--headless",
                "--users",
                str(args.users),
                "--spawn-rate",
                str(args.spawn_rate),
                "--run-time",
                f"{int(args.minutes * 60)}s",
                "--host",
                base,
                "--csv",
                str(work / "load"),
                "--only-summary",
                # figures from the moment all users are spawned: the sign-in storm of the
                # first seconds (Argon2, by design ~1 s of CPU each) is not a page's cost
                "--reset-stats",
                "--loglevel",
                "WARNING",
            ],
            cwd=ROOT,
            check=False,
        )
        load_after = _load()
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=60)

    pages, total = _table(work / "load_stats.csv")
    log_text = server_log.read_text(encoding="utf-8", errors="replace")
    server_errors = len(re.findall(r'"status": 5\d\d', log_text))
    error_lines = len(re.findall(r'"level": "(ERROR|CRITICAL)"', log_text))
    static = next((float(r["95%"]) for r in pages if r["Name"] == STATIC), 0.0)
    print()
    print(
        f"{args.users} users, {args.minutes:g} minutes, think time 1-3 s, "
        f"{os.cpu_count()} cores; load average before {load_before}, at the end {load_after}"
    )
    print(
        f"requests {int(total['Request Count']):,}, failures {total['Failure Count']}, "
        f"server errors (5xx) {server_errors}, ERROR log lines {error_lines}, "
        f"{float(total['Requests/s']):.1f} requests/s"
    )
    print(f"static page p95: {static:.0f} ms (target per page: <= {MAX_RATIO:g} x and <= 500 ms)")
    print()
    print(
        f"  {'page':<34} {'requests':>8} {'fail':>5} {'median':>7} {'p95':>6} {'x static':>8}  ok"
    )
    missed = int(total["Failure Count"]) > 0 or server_errors > 0
    for row in sorted(pages, key=lambda r: r["Name"]):
        p95 = float(row["95%"])
        ratio = p95 / static if static else float("inf")
        counted = not row["Name"].startswith(SETUP_PREFIX)
        ok = p95 <= MAX_P95_MS and (ratio <= MAX_RATIO or row["Name"] == STATIC)
        if counted and not ok:
            missed = True
        verdict = ("yes" if ok else "NO") if counted else "(sign-in, once per user)"
        print(
            f"  {row['Name']:<34} {int(row['Request Count']):>8} {row['Failure Count']:>5}"
            f" {float(row['Median Response Time']):>6.0f}m {p95:>5.0f}m {ratio:>7.1f}x  {verdict}"
        )
    print()
    print("result:", "targets missed" if missed else "all targets held")
    print(f"files: {work}")
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
