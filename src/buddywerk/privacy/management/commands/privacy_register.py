"""`buddywerk privacy_register`: print the processing register (GDPR Art. 30) as the
Markdown of docs/privacy.md. It is made from the retention schedule (privacy/register.py);
paste it there after a change; a test compares."""

from typing import Any

from django.core.management.base import BaseCommand

from buddywerk.privacy.register import register_markdown


class Command(BaseCommand):
    help = "Print the processing register (GDPR Art. 30) as Markdown (for docs/privacy.md)."

    def handle(self, *args: Any, **options: Any) -> None:
        self.stdout.write(register_markdown(), ending="")
