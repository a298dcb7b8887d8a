"""`buddywerk demo-code EMAIL`: the current TOTP code of a demo account."""

from typing import Any

from allauth.mfa.totp.internal.auth import (
    format_hotp_value,
    hotp_value,
    yield_hotp_counters_from_time,
)
from django.core.management.base import BaseCommand, CommandError, CommandParser

from buddywerk.demo.guard import require_demo_database
from buddywerk.demo.world import DEMO_DOMAIN, DEMO_TOTP_SECRET


class Command(BaseCommand):
    help = "Print the current two-factor code of a demo account (demo database only)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("email")

    def handle(self, *args: Any, **options: Any) -> None:
        require_demo_database()
        if not options["email"].endswith("@" + DEMO_DOMAIN):
            raise CommandError("Only demo accounts have the demo secret.")
        counter = next(iter(yield_hotp_counters_from_time()))
        self.stdout.write(format_hotp_value(hotp_value(DEMO_TOTP_SECRET, counter)))
