"""`buddywerk matching_expire`: remind, then expire proposals nobody answered in time.

`buddywerk run-scheduled` runs it with the other periodic jobs (cron, and the demo);
this command runs it alone. The links in its mails come from SITE_URL.
It is idempotent: a proposal gets one reminder and expires once.
"""

from typing import Any

from django.core.management.base import BaseCommand

from buddywerk.matching.services import proposals_expire


class Command(BaseCommand):
    help = "Send reminders for proposals due within a day; expire those past their deadline."

    def handle(self, *args: Any, **options: Any) -> None:
        reminded, expired = proposals_expire()
        self.stdout.write(f"reminded={reminded} expired={expired}")
