"""Write the API's OpenAPI document to docs/, or check that the committed one is current."""

import json
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from buddywerk.api.api import api_v1

DOCUMENT = Path(settings.BASE_DIR) / "docs" / "api" / "openapi-v1.json"


def schema_text() -> str:
    """The document as committed: sorted keys, two-space indent, a final newline."""
    return json.dumps(api_v1.get_openapi_schema(), indent=2, sort_keys=True) + "\n"


class Command(BaseCommand):
    help = "Write docs/api/openapi-v1.json (or --check that it matches the code)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--check", action="store_true", help="fail when it differs")

    def handle(self, *args: Any, check: bool = False, **options: Any) -> None:
        text = schema_text()
        if check:
            if not DOCUMENT.exists() or DOCUMENT.read_text() != text:
                raise CommandError(f"{DOCUMENT} differs from the code: run `manage.py api_schema`.")
            self.stdout.write("The committed OpenAPI document is current.")
            return
        DOCUMENT.write_text(text)
        self.stdout.write(f"Wrote {DOCUMENT}")
