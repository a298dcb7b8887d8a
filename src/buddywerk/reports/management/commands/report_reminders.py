"""`buddywerk report-reminders [--today YYYY-MM-DD]`: run daily (e.g. from cron)."""

import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.utils import timezone

from buddywerk.reports.services import report_reminders_send


class Command(BaseCommand):
    help = "Remind programme coordinators two weeks before each report deadline (idempotent)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--today", type=dt.date.fromisoformat, default=None)

    def handle(self, *args: Any, today: dt.date | None, **options: Any) -> None:
        sent = report_reminders_send(today=today or timezone.localdate())
        self.stdout.write(f"Report reminders sent: {sent}")
