"""`buddywerk matching_expire`: remind, then expire proposals nobody answered in time.

`buddywerk run-scheduled` runs it with the other periodic jobs (cron, and the demo);
this command runs it alone.
It is idempotent: a proposal gets one reminder and expires once.
"""

from django.core.management.base import BaseCommand

from buddywerk.matching.services import proposals_expire


class Command(BaseCommand):
    help = "Send reminders for proposals due within a day; expire those past their deadline."

    def add_arguments(self, parser):
        parser.add_argument(
            "--base-url",
            default="http://127.0.0.1:8000/",
            help="The site's address, for the links in the mails.",
        )

    def handle(self, *args, **options):
        reminded, expired = proposals_expire(base_url=options["base_url"])
        self.stdout.write(f"reminded={reminded} expired={expired}")
