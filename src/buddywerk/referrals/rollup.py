"""When a referral's wait ended and when it was first matched (issue 22): derived from the
transition log, kept on the referral by the transition services in the transition's own
transaction (`note_transition`), recomputed from the log by `referral_waits_rebuild`
(`buddywerk rollup-rebuild`, after history written outside the services). The funder's
report reads these two columns instead of scanning the log."""

import datetime as dt

from django.db import transaction
from django.db.models import Min, OuterRef, Subquery

from .models import Referral, ReferralStatus, ReferralTransition

# A referral stops waiting when it is matched, declined or withdrawn (the report's
# "Waiting" figure); a later requeue does not make it wait again in the report.
WAIT_ENDS = (ReferralStatus.MATCHED, ReferralStatus.DECLINED, ReferralStatus.WITHDRAWN)


def note_transition(referral: Referral, now: dt.datetime) -> list[str]:
    """Update the derived moments of `referral` (locked, its status just set) for a
    transition at `now`; return the fields changed. The earliest moment wins, so the
    result equals the minimum over the log whatever order the moments come in."""
    changed = []
    if referral.status in WAIT_ENDS and (
        referral.wait_ended_at is None or now < referral.wait_ended_at
    ):
        referral.wait_ended_at = now
        changed.append("wait_ended_at")
    if referral.status == ReferralStatus.MATCHED and (
        referral.first_matched_at is None or now < referral.first_matched_at
    ):
        referral.first_matched_at = now
        changed.append("first_matched_at")
    return changed


def _first(*statuses: str) -> Subquery:
    return Subquery(
        ReferralTransition.objects.filter(referral=OuterRef("pk"), to_status__in=statuses)
        .values("referral")
        .annotate(first=Min("at"))
        .values("first")[:1]
    )


@transaction.atomic
def referral_waits_rebuild() -> int:
    """Recompute both moments of every referral from the transition log (one UPDATE);
    returns the number of referrals."""
    return Referral.objects.update(
        wait_ended_at=_first(*WAIT_ENDS), first_matched_at=_first(ReferralStatus.MATCHED)
    )


def waits_from_log() -> set[tuple[int, dt.datetime | None, dt.datetime | None]]:
    """(referral id, wait ended, first matched) as the log gives them (the tests)."""
    ended = dict(
        ReferralTransition.objects.filter(to_status__in=WAIT_ENDS)
        .values("referral")
        .annotate(first=Min("at"))
        .values_list("referral", "first")
    )
    matched = dict(
        ReferralTransition.objects.filter(to_status=ReferralStatus.MATCHED)
        .values("referral")
        .annotate(first=Min("at"))
        .values_list("referral", "first")
    )
    return {
        (pk, ended.get(pk), matched.get(pk)) for pk in Referral.objects.values_list("pk", flat=True)
    }
