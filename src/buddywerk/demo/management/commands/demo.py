"""`buddywerk demo`: create the demo database, load the demo world, and serve it."""

import signal
import socket
import subprocess  # noqa: S404 - starts our own task worker
import sys
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import translation

from buddywerk.access.models import Role
from buddywerk.buddies.enums import BuddyKind
from buddywerk.common.env import env_export
from buddywerk.demo.guard import require_demo_database
from buddywerk.demo.steps.api_token import api_token
from buddywerk.demo.world import (
    ACCOUNTS,
    BUDDIES,
    DEMO_PASSWORD,
    DEMO_TOTP_SECRET,
    build_world,
    demo_email,
)
from buddywerk.mail.relink import relink_waiting_mail

SCHEDULER_EVERY_SECONDS = 300
# Each role as the README's table of demo accounts names it (issue 16, point 10).
ROLE_NAMES = {
    Role.PLATFORM_ADMIN: "platform admin",
    Role.FUNDER: "funder",
    Role.REGIONAL_COORDINATOR: "regional coordinator",
    Role.CITY_STAFF: "city staff",
    Role.PROGRAMME_COORDINATOR: "programme coordinator",
    Role.SCHOOL_STAFF: "school staff",
    Role.INTERNSHIP_SUPERVISOR: "internship supervisor",
    Role.SERVICE_STAFF: "service staff",
}


def login_list() -> list[tuple[str, str]]:
    """(who, e-mail) of every demo login, in the README's words: a school's care
    coordinator and teacher, a service's staff, the safeguarding cases, each buddy's kind.
    Read after the world is built (a service is told from a school by its kind)."""
    from buddywerk.demo.steps.safeguarding import EXPIRING, SUSPENDED

    with translation.override("en"):  # the README's language
        return _login_rows(EXPIRING, SUSPENDED)


def _login_rows(expiring: str, suspended: str) -> list[tuple[str, str]]:
    rows = []
    for account in ACCOUNTS:
        name = ROLE_NAMES[account.role]
        if account.role == Role.SCHOOL_STAFF:
            who = "care coordinator" if account.is_lead else "teacher"
            name = f"school staff ({who}, {account.organisation})"
        elif account.role != Role.PLATFORM_ADMIN:
            name = f"{name} ({account.organisation})"
        rows.append((name, account.email))
    for local, what in ((expiring, "extract runs out soon"), (suspended, "suspended")):
        rows.append((f"safeguarding (buddy, {what})", demo_email(local)))
    for buddy in BUDDIES:
        kind = str(BuddyKind(buddy.kind).label).lower()
        rows.append((f"buddy ({kind}, {buddy.status})", demo_email(buddy.local)))
    return rows


class Command(BaseCommand):
    help = "Start Buddywerk with demo data on the embedded SQLite database."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument("--no-serve", action="store_true", help="Build the demo, do not serve.")
        parser.add_argument(
            "--reset", action="store_true", help="Delete the demo database and start afresh."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        path = require_demo_database()
        if options["reset"]:
            from django.db import connections

            connections.close_all()
            for suffix in ("", "-wal", "-shm"):
                path.with_name(path.name + suffix).unlink(missing_ok=True)
            self.stdout.write("Demo database removed.")
        # The demo serves itself on --port: the links in its mails (written here, by the web
        # server and by the scheduler) must point there. The worker and the scheduler get it
        # from the environment they inherit.
        site_url = f"http://127.0.0.1:{options['port']}"
        settings.SITE_URL = site_url
        env_export("SITE_URL", site_url)
        call_command("migrate", interactive=False, verbosity=0)
        call_command("createcachetable", verbosity=0)
        build_world()
        self._print_logins(options["port"])
        self._print_api_token(options["port"])
        if options["no_serve"]:
            return
        relink_waiting_mail(site_url)
        # Whitenoise serves the demo's static files from the apps (no collectstatic); an
        # empty STATIC_ROOT keeps it from warning that the folder is missing.
        Path(settings.STATIC_ROOT).mkdir(parents=True, exist_ok=True)
        # runserver leaves with os._exit() when the port is taken, which would orphan the
        # worker and the scheduler: check first.
        with socket.socket() as probe:
            try:
                probe.bind(("127.0.0.1", options["port"]))
            except OSError as exc:
                raise CommandError(
                    f"Port {options['port']} is in use: choose another with --port."
                ) from exc
        worker = subprocess.Popen(  # noqa: S603 - fixed arguments
            [sys.executable, "-m", "buddywerk.cli", "db_worker", "--no-reload"]
        )
        # The scheduled jobs (mail retries, reminders, proposal expiry) every 5 minutes.
        scheduler = subprocess.Popen(  # noqa: S603 - fixed arguments
            [
                sys.executable,
                "-m",
                "buddywerk.cli",
                "run_scheduled",
                "--every",
                str(SCHEDULER_EVERY_SECONDS),
            ]
        )
        # Stopping the demo (Ctrl+C, or SIGTERM) stops the worker and the scheduler too.
        signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
        try:
            call_command(
                "runserver", f"127.0.0.1:{options['port']}", use_reloader=False, use_threading=True
            )
        finally:
            scheduler.terminate()
            worker.terminate()

    def _print_logins(self, port: int) -> None:
        out = self.stdout.write
        out("")
        out(f"Buddywerk demo: http://127.0.0.1:{port}/")
        out(f"Password for every demo account: {DEMO_PASSWORD}")
        out(
            f"Two-factor code: TOTP secret {DEMO_TOTP_SECRET} in any authenticator app, "
            "or run `uv run buddywerk demo-code EMAIL`."
        )
        out("")
        for name, email in login_list():
            out(f"  {name:<44} {email}")
        out("")
        out(f"Mail is printed here (EMAIL_URL={'console://'}); data lives in {settings.VAR_DIR}.")

    def _print_api_token(self, port: int) -> None:
        """A fresh API token of a school at each start (the earlier one is revoked): shown
        here once, as the profile page shows a new token once."""
        email, key, programme = api_token()
        out = self.stdout.write
        out("")
        out(f"API token of {email} (shown once; a new one at each start): {key}")
        out(f"Programme Buddy Mechelen, to refer a pupil to: {programme}")
        out(f"  curl http://127.0.0.1:{port}/api/v1/programmes?q=2800")
        out(f"  curl -H 'Authorization: Bearer {key}' http://127.0.0.1:{port}/api/v1/referrals")
