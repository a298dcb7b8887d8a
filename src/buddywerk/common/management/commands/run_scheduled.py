"""`buddywerk run-scheduled [--now ISO] [--every SECONDS]`.

Runs every periodic job once (mail retries, duo reminders, follow-up reminders, matching
expiry, report reminders; see common/scheduler.py) and prints one line per job. Cron runs
it every 15 minutes (docs/deployment.md); the jobs are idempotent. It exits with an error
when a job failed, after running all the others. `--every` repeats it until stopped (the
demo's scheduler process); `--now` runs it for another moment (testing, replays). The
links in the mails come from the SITE_URL setting.
"""

import datetime as dt
import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import close_old_connections
from django.utils import timezone

from buddywerk.common.scheduler import run_scheduled


def _moment(value: str) -> dt.datetime:
    try:
        moment = dt.datetime.fromisoformat(value)
    except ValueError as exc:
        raise CommandError("--now must be a moment like 2026-03-02T07:30 or a date.") from exc
    return moment if timezone.is_aware(moment) else timezone.make_aware(moment)


class Command(BaseCommand):
    help = "Run every scheduled job once (mail retries, reminders, expiry); idempotent."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--now", help="The moment to run for (ISO 8601); default now.")
        parser.add_argument(
            "--every",
            type=int,
            default=0,
            help="Repeat every this many seconds until stopped (the demo); default once.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        now = _moment(options["now"]) if options["now"] else None
        if options["every"] <= 0:
            self._run_once(now)
            return
        while True:
            try:
                self._run_once(now)
            except CommandError as exc:
                self.stderr.write(str(exc))
            close_old_connections()
            time.sleep(options["every"])

    def _run_once(self, now: dt.datetime | None) -> None:
        results = run_scheduled(now=now)
        for result in results:
            self.stdout.write(result.line())
        failed = [result.name for result in results if not result.ok]
        if failed:
            raise CommandError(f"Scheduled job(s) failed: {', '.join(failed)}")
