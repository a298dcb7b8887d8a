"""`buddywerk check-safeguarding [--at ISO-MOMENT]`: the safeguarding invariants.

Prints one line per finding (public ids only, no names) and exits with status 1 when there
is any, 0 when there is none (issue 13, point 6; trajectories/safeguarding_check.py).
"""

import datetime as dt

from django.core.management.base import BaseCommand

from buddywerk.trajectories.safeguarding_check import safeguarding_findings


class Command(BaseCommand):
    help = "Report every broken safeguarding invariant; exit 1 when there is any."

    def add_arguments(self, parser):  # type: ignore[no-untyped-def]
        parser.add_argument("--at", type=dt.datetime.fromisoformat, default=None)

    def handle(self, *args, at=None, **options):  # type: ignore[no-untyped-def]
        findings = safeguarding_findings(now=at)
        for finding in findings:
            self.stdout.write(finding.line())
        self.stdout.write(f"findings: {len(findings)}")
        if findings:
            raise SystemExit(1)
