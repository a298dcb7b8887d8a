"""`buddywerk rollup-rebuild`: recompute the per-duo, per-month rollup of meetings from the
meetings themselves, and each referral's end of wait and first match from its transition
log (issue 22). The services keep it up to date; run this after history
was written outside them (`buddywerk generate` does it itself) or to check nothing drifted:
on a database kept by the services it changes nothing. Run it while no one logs meetings
(it replaces the whole table in one transaction)."""

from django.core.management.base import BaseCommand

from buddywerk.referrals.rollup import referral_waits_rebuild
from buddywerk.trajectories.rollup import duo_months_rebuild


class Command(BaseCommand):
    help = (
        "Recompute the per-duo, per-month rollup of meetings from the meetings, and the"
        " referrals' end of wait and first match from their logs."
    )

    def handle(self, *args, **options):  # type: ignore[no-untyped-def]
        rows = duo_months_rebuild()
        self.stdout.write(f"duo months: {rows}")
        self.stdout.write(f"referrals: {referral_waits_rebuild()}")
