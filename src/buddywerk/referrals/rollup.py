"""When a referral's wait ended and when it was first matched, and in which months it was
matched or declined (`ReferralMonth`) (issue 22): derived from the transition log, kept by
the transition services in the transition's own transaction (`note_transition`),
recomputed from the log by `referral_waits_rebuild` (`buddywerk rollup-rebuild`, after
history written outside the services). The funder's report reads these instead of
scanning the log.

`ReferralCount` counts the referrals per programme, month of submission and month the
wait ended: the transition services move a referral from one count to another
(`counts_move`), the purge takes erased referrals out (`counts_forget`), the rebuild
recounts them from the referrals."""

import datetime as dt
import logging
from collections.abc import Iterable

from django.db import IntegrityError, transaction
from django.db.models import Count, DateField, F, Min, OuterRef, Subquery
from django.db.models.functions import TruncMonth
from django.utils import timezone

from buddywerk.reports import input_version

from .models import Referral, ReferralCount, ReferralMonth, ReferralStatus, ReferralTransition

logger = logging.getLogger(__name__)

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
    from the transition log, then every `ReferralCount` from the referrals; returns the
    number of referrals."""
    ReferralMonth.objects.all().delete()
    ReferralMonth.objects.bulk_create(months_from_log(), batch_size=5_000)
    input_version.bump_all()  # every stored funder's report (issue 17, point 4)
    n = Referral.objects.update(
        wait_ended_at=_first(*WAIT_ENDS), first_matched_at=_first(ReferralStatus.MATCHED)
    )
    ReferralCount.objects.all().delete()
    ReferralCount.objects.bulk_create(counts_from_referrals(), batch_size=5_000)
    return n


# --- the counts per programme and months ------------------------------------------------

CountKey = tuple[int, dt.date, dt.date | None]  # programme, month submitted, month wait ended


def count_key(referral: Referral) -> CountKey | None:
    """The count `referral` lies in (None for a draft)."""
    if referral.submitted_at is None:
        return None
    ended = referral.wait_ended_at
    return (
        referral.programme_id,
        month_of(referral.submitted_at),
        month_of(ended) if ended is not None else None,
    )


def _order(key: CountKey) -> tuple[int, dt.date, dt.date]:
    return key[0], key[1], key[2] or dt.date.max


def _count_add(key: CountKey, delta: int) -> None:
    programme, submitted, ended = key
    rows = ReferralCount.objects.filter(programme_id=programme, submitted=submitted)
    rows = rows.filter(wait_ended=ended) if ended is not None else rows.filter(wait_ended=None)
    if rows.update(n=F("n") + delta):
        if delta < 0:
            rows.filter(n=0).delete()
        return
    if delta < 0:
        # Not counted: history written around the services; `rollup-rebuild` recounts.
        # The transition itself goes on (ids and months only in the log).
        logger.warning("No referral count %s to take %s from: run rollup-rebuild.", key, -delta)
        return
    try:
        with transaction.atomic():  # a savepoint: another transaction may create it first
            ReferralCount.objects.create(
                programme_id=programme, submitted=submitted, wait_ended=ended, n=delta
            )
    except IntegrityError:
        rows.update(n=F("n") + delta)


def counts_move(before: CountKey | None, after: CountKey | None) -> None:
    """Move one referral from the count `before` to the count `after` (either None: not
    counted), inside the caller's transaction. The rows are updated in key order, so two
    transactions moving referrals between the same counts wait for each other rather
    than deadlock."""
    if before == after:
        return
    changes = [(key, delta) for key, delta in ((before, -1), (after, 1)) if key is not None]
    for key, delta in sorted(changes, key=lambda change: _order(change[0])):
        _count_add(key, delta)


def _counted(referrals: Iterable[int] | None = None) -> list[tuple[CountKey, int]]:
    """(count, number of referrals) grouped in the database (all, or those of `referrals`)."""
    qs = Referral.objects.filter(submitted_at__isnull=False)
    if referrals is not None:
        qs = qs.filter(pk__in=referrals)
    rows = (
        qs.values(
            "programme_id",
            month_submitted=TruncMonth("submitted_at", output_field=DateField()),
            month_ended=TruncMonth("wait_ended_at", output_field=DateField()),
        )
        .annotate(n=Count("pk"))
        .order_by()
    )
    return [
        ((row["programme_id"], row["month_submitted"], row["month_ended"]), row["n"])
        for row in rows
    ]


def counts_from_referrals() -> list[ReferralCount]:
    """Every `ReferralCount` row as the referrals give it (one grouped query)."""
    return [
        ReferralCount(programme_id=programme, submitted=submitted, wait_ended=ended, n=n)
        for (programme, submitted, ended), n in _counted()
    ]


def counts_forget(referrals: Iterable[int]) -> None:
    """Take the referrals about to be erased out of their counts (the purge: the archive
    counts them from then on), inside the caller's transaction."""
    for key, n in sorted(_counted(list(referrals)), key=lambda found: _order(found[0])):
        _count_add(key, -n)


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
