"""`buddywerk import-schools FILE.csv`: the education department's list of schools."""

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import translation
from django.utils.translation import gettext as _

from buddywerk.organisations.school_import import SchoolImportError, schools_import_file


class Command(BaseCommand):
    help = (
        "Import or update schools from the education department's open list (CSV, UTF-8). "
        "Columns: docs/import-schools.md. All or nothing; idempotent on the school number."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path, help="the CSV file")

    def handle(self, *args: Any, **options: Any) -> None:
        with translation.override(settings.LANGUAGE_CODE):
            try:
                report = schools_import_file(actor=None, path=options["file"])
            except SchoolImportError as exc:
                lines = [_("Nothing was imported:"), *exc.errors]
                raise CommandError("\n".join(lines)) from exc
            for warning in report.warnings:
                self.stderr.write(warning)
            self.stdout.write(
                self.style.SUCCESS(
                    _("%(created)s schools added, %(updated)s updated, %(unchanged)s unchanged.")
                    % {
                        "created": report.created,
                        "updated": report.updated,
                        "unchanged": report.unchanged,
                    }
                )
            )
