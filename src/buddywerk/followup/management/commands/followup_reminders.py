"""`buddywerk followup-reminders [--today YYYY-MM-DD]`: escalate concerns left
unacknowledged for 2 working days, remind coordinators of a check-in due in a duo's first
two weeks and owners of follow-up actions past due. Run it daily (cron or the worker);
`--today` sets a fake clock, e.g. to replay a day. The links in its mails come from
SITE_URL."""

import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from buddywerk.followup.services import followup_reminders


class Command(BaseCommand):
    help = "Escalate unacknowledged concerns and send the follow-up reminders of duos."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--today", help="The day to run for (YYYY-MM-DD); default today.")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            today = dt.date.fromisoformat(options["today"]) if options["today"] else None
        except ValueError as exc:
            raise CommandError("--today must be a date like 2026-03-02.") from exc
        counts = followup_reminders(today=today)
        self.stdout.write(
            f"{today or timezone.localdate()}: {counts['escalated']} concern(s) escalated, "
            f"{counts['escalated_region']} to the region, "
            f"{counts['checkin_due']} check-in reminder(s), "
            f"{counts['action_overdue']} overdue-action reminder(s)."
        )
