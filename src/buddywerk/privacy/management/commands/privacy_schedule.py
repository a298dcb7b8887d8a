"""`buddywerk privacy_schedule`: print the retention schedule as the Markdown table of
docs/privacy.md (paste it there after changing privacy/schedule.py; a test compares)."""

from typing import Any

from django.core.management.base import BaseCommand

from buddywerk.privacy.schedule import schedule_markdown


class Command(BaseCommand):
    help = "Print the retention schedule as a Markdown table (for docs/privacy.md)."

    def handle(self, *args: Any, **options: Any) -> None:
        self.stdout.write(schedule_markdown(), ending="")
