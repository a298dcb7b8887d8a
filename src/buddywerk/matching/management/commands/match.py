"""Solve a matching instance file exactly, without a database (`buddywerk match`).

`buddywerk match --instance FILE.json [--out RESULT.json] [--pairs PAIRS.csv]`.

Runs the matching engine on a JSON instance file, without a database: no system checks, no
migration check, no model access. The format is in docs/matching.md. `buddywerk match` runs
the same code (matching/match_cli.py) without setting Django up at all; this command is what
`manage.py match` and `call_command("match")` reach.
"""

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from buddywerk.matching import match_cli


class Command(BaseCommand):
    help = match_cli.HELP
    # The command works on a file only: it must run where no database exists.
    requires_system_checks: list[str] = []
    requires_migrations_checks = False

    def add_arguments(self, parser: CommandParser) -> None:
        match_cli.add_arguments(parser)

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            match_cli.run(
                instance=options["instance"],
                out=options["out"],
                pairs=options["pairs"],
                greedy=options["greedy"],
                lang=options["lang"],
                stdout=self.stdout,
                stderr=self.stderr,
                by_region=options["by_region"],
            )
        except match_cli.MatchError as error:
            raise CommandError(str(error)) from None
