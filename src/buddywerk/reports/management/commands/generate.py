"""`buddywerk generate --scale N`: a reproducible synthetic Flanders for benchmarks."""

import sys
import time
from collections.abc import Iterable, Iterator
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from buddywerk.reports import generator


class Command(BaseCommand):
    help = "Fill an EMPTY database with a synthetic Flanders (N=1: 2,000 referrals a year)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--scale", type=int, default=1, help="1 = one medium-sized year")
        parser.add_argument("--seed", type=int, default=2026)
        parser.add_argument("--school-year", type=int, default=2025, help="e.g. 2025 = 2025-2026")
        parser.add_argument(
            "--years",
            type=int,
            default=generator.DEFAULT_YEARS,
            help="How many school years of duos and meetings, up to --school-year.",
        )
        parser.add_argument(
            "--force",
            action="store_true",
            help="Also run when the database already holds schools, buddies or referrals.",
        )

    def handle(
        self,
        *args: Any,
        scale: int,
        seed: int,
        school_year: int,
        years: int,
        force: bool,
        **kw: Any,
    ):
        if scale < 1 or scale > 50:
            raise CommandError("--scale is a whole number from 1 to 50.")
        if years < 1 or years > 20:
            raise CommandError("--years is a whole number from 1 to 20.")
        if not generator.is_empty() and not force:
            raise CommandError(
                "This database already holds schools, buddies or referrals (perhaps real "
                "ones). Use an empty database, or --force if you are sure."
            )
        quiet = kw.get("verbosity", 1) == 0
        started = time.perf_counter()
        counts = generator.generate(
            scale=scale,
            seed=seed,
            school_year=school_year,
            years=years,
            progress=None if quiet else _progress,
        )
        if not quiet:
            elapsed = time.perf_counter() - started
            summary = ", ".join(f"{v:,} {k}" for k, v in counts.items())
            self.stdout.write(f"Generated {summary} in {elapsed:.0f} s.")


def _progress(items: Iterable[Any], label: str, total: int) -> Iterator[Any]:
    from tqdm import tqdm

    yield from tqdm(items, desc=label, total=total, unit=" rows", file=sys.stderr, leave=False)
