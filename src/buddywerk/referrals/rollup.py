"""When a referral's wait ended and when it was first matched, and in which months it was
matched or declined (`ReferralMonth`) (issue 22): derived from the transition log, kept by
the transition services in the transition's own transaction (`note_transition`),
recomputed from the log by `referral_waits_rebuild` (`buddywerk rollup-rebuild`, after
history written outside the services). The funder's report reads these instead of
scanning the log."""

import datetime as dt

from django.db import transaction
from django.db.models import Min, OuterRef, Subquery
from django.utils import timezone

from buddywerk.reports import input_version

from .models import Referral, ReferralMonth, ReferralStatus, ReferralTransition

# A referral stops waiting when it is matched, declined or withdrawn (the report's
# "Waiting" figure); a later requeue does not make it wait again in the report.
WAIT_ENDS = (ReferralStatus.MATCHED, ReferralStatus.DECLINED, ReferralStatus.WITHDRAWN)


def note_transition(referral: Referral, now: dt.datetime) -> list[str]:
    """Update the derived moments of `referral` (locked, its status just set) for a
    transition at `now`; return the fields changed. The earliest moment wins, so the
    result equals the minimum over the log whatever order the moments come in. A match or
    a decline also marks its month (local time) in `ReferralMonth`."""
    # The funder's report stored for the programme is obsolete (issue 17, point 4).
    input_version.bump([referral.programme_id])
    if referral.status in MONTH_MOVES:
        row, _created = ReferralMonth.objects.get_or_create(
            referral_id=referral.pk,
            month=month_of(now),
            defaults={"programme_id": referral.programme_id},
        )
        field = MONTH_MOVES[referral.status]
        if not getattr(row, field):
            setattr(row, field, True)
            row.save(update_fields=[field])
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


# The moves the report counts per month, and the flag each sets on the month's row.
MONTH_MOVES: dict[str, str] = {
    ReferralStatus.MATCHED: "matched",
    ReferralStatus.DECLINED: "declined",
}


def month_of(moment: dt.datetime) -> dt.date:
    """The first day of the local calendar month of `moment` (the report's months)."""
    return timezone.localdate(moment).replace(day=1)


def months_from_log() -> list[ReferralMonth]:
    """Every `ReferralMonth` row as the status log gives it."""
    rows: dict[tuple[int, dt.date], ReferralMonth] = {}
    for referral, programme, status, at in (
        ReferralTransition.objects.filter(to_status__in=list(MONTH_MOVES))
        .values_list("referral_id", "referral__programme_id", "to_status", "at")
        .iterator(chunk_size=20_000)
    ):
        key = (referral, month_of(at))
        row = rows.get(key)
        if row is None:
            row = rows[key] = ReferralMonth(
                referral_id=referral, programme_id=programme, month=key[1]
            )
        setattr(row, MONTH_MOVES[status], True)
    return list(rows.values())


def _first(*statuses: str) -> Subquery:
    return Subquery(
        ReferralTransition.objects.filter(referral=OuterRef("pk"), to_status__in=statuses)
        .values("referral")
        .annotate(first=Min("at"))
        .values("first")[:1]
    )


@transaction.atomic
def referral_waits_rebuild() -> int:
    """Recompute both moments of every referral (one UPDATE) and every `ReferralMonth`
    from the transition log; returns the number of referrals."""
    ReferralMonth.objects.all().delete()
    ReferralMonth.objects.bulk_create(months_from_log(), batch_size=5_000)
    input_version.bump_all()  # every stored funder's report (issue 17, point 4)
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
