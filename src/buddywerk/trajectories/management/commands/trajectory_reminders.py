"""`buddywerk trajectory-reminders [--today YYYY-MM-DD] [--base-url URL]`.

`buddywerk run-scheduled` runs it with the other periodic jobs (docs/deployment.md); this
command runs it alone. It records the reminders due and hands their mail to the outbox,
which sends and retries it. Running it twice on a day sends nothing twice.
"""

import datetime as dt
import os

from django.core.management.base import BaseCommand

from buddywerk.trajectories.reminders import send_due_reminders


class Command(BaseCommand):
    help = "Record and enqueue the reminders about duos that are due today."

    def add_arguments(self, parser):  # type: ignore[no-untyped-def]
        parser.add_argument("--today", type=dt.date.fromisoformat, default=None)
        parser.add_argument(
            "--base-url",
            default=os.environ.get("BUDDYWERK_BASE_URL", "http://127.0.0.1:8000"),
            help="The site's address, for the links in the mails (env BUDDYWERK_BASE_URL).",
        )

    def handle(self, *args, today=None, base_url="", **options):  # type: ignore[no-untyped-def]
        run = send_due_reminders(today=today, base_url=base_url)
        self.stdout.write(f"reminders created: {run.created}, mails enqueued: {run.enqueued}")
