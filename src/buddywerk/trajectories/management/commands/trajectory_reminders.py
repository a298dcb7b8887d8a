"""`buddywerk trajectory-reminders [--today YYYY-MM-DD]`.

`buddywerk run-scheduled` runs it with the other periodic jobs (docs/deployment.md); this
command runs it alone. It records the reminders due and writes their mail to the outbox
in the same transaction (links from SITE_URL); the outbox sends and retries it. Running it
twice on a day sends nothing twice.
"""

import datetime as dt

from django.core.management.base import BaseCommand

from buddywerk.trajectories.reminders import send_due_reminders


class Command(BaseCommand):
    help = "Record the reminders about duos that are due today and write their mail."

    def add_arguments(self, parser):  # type: ignore[no-untyped-def]
        parser.add_argument("--today", type=dt.date.fromisoformat, default=None)

    def handle(self, *args, today=None, **options):  # type: ignore[no-untyped-def]
        run = send_due_reminders(today=today)
        self.stdout.write(f"reminders created: {run.created}, mails enqueued: {run.enqueued}")
