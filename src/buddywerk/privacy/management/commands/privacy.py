"""`buddywerk privacy --dry-run`: per kind of data, what the purge would anonymise or erase
now, what falls due in the next 30 days and the first day it does; without `--dry-run`,
run today's purge now (as `buddywerk run-scheduled` does once a day)."""

from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.utils import timezone, translation

from buddywerk.privacy.plan import HORIZON, purge_plan
from buddywerk.privacy.purge import privacy_purge


class Command(BaseCommand):
    help = "Show what the privacy purge would do (--dry-run), or run today's purge."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--dry-run", action="store_true", help="only count, change nothing (the plan)"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        now = timezone.now()
        if not options["dry_run"]:
            counts = privacy_purge(now=now)
            if counts is None:
                self.stdout.write("Today's purge has run already.")
                return
            for key, value in counts.as_dict().items():
                self.stdout.write(f"{key}: {value}")
            return
        with translation.override("en"):
            self.stdout.write(f"{'data':<64} {'now':>8} {f'next {HORIZON} days':>13}  first day")
            for row in purge_plan(now=now):
                label = str(row.rule.data)[:64]
                if not row.acted:
                    self.stdout.write(f"{label:<64} {'-':>8} {'-':>13}  not purged automatically")
                    continue
                first = row.next_day.isoformat() if row.next_day else "-"
                self.stdout.write(f"{label:<64} {row.now:>8} {row.soon:>13}  {first}")
