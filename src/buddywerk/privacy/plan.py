"""The dry run of the purge (issue 15 point 7): per kind of data in the schedule, how many
rows the next run would anonymise or erase, how many fall due in the coming days, and the
first day after today that something does. Reads only; `buddywerk privacy --dry-run`
prints it and platform admins see it on *Privacy -> Purge* (/privacy/purge/).
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Min, QuerySet
from django.utils import timezone

from buddywerk.api.models import IdempotentRequest
from buddywerk.common.models import AuditEvent
from buddywerk.mail.models import OutgoingMail
from buddywerk.network.models import PracticeSubmission, SubmissionStatus
from buddywerk.referrals.models import ConsentWithdrawal
from buddywerk.trajectories.models import Meeting, WellbeingScore

from .account_services import account_dues
from .account_services import account_held as held
from .buddy_services import declined_dues, extract_dues
from .money import money_records
from .purge import DUO_NOTES, groups
from .schedule import RULES, SCHEDULE, DataKind, RetentionRule

HORIZON = 30  # days ahead the plan looks


@dataclass
class PlanRow:
    rule: RetentionRule
    acted: bool  # the scheduled run acts on this kind (False: not yet built)
    now: int = 0  # rows the next run anonymises or erases
    soon: int = 0  # rows that fall due in the HORIZON days after today
    next_day: dt.date | None = None  # the first day after today something falls due


def _per_duo(model: Any) -> Counter[int]:
    return Counter(
        dict(
            model.objects.values("trajectory")
            .annotate(n=Count("pk"))
            .values_list("trajectory", "n")
        )
    )


def _group_rows(today: dt.date) -> tuple[PlanRow, PlanRow, PlanRow]:
    people = PlanRow(RULES[DataKind.PARTICIPANT.value], acted=True)
    followup = PlanRow(RULES[DataKind.FOLLOWUP.value], acted=True)
    withdrawn = PlanRow(RULES[DataKind.AFTER_WITHDRAWAL.value], acted=True)
    found = [group for group in groups(today=today) if group.due is not None]
    if not found:
        return people, followup, withdrawn
    per_duo: Counter[int] = Counter()
    for model in (Meeting, WellbeingScore, *DUO_NOTES):
        per_duo.update(_per_duo(model))
    withdrawals = set(ConsentWithdrawal.objects.values_list("referral_id", flat=True))
    horizon = today + dt.timedelta(days=HORIZON)

    def count(row: PlanRow, due: dt.date, n: int) -> None:
        if due <= today:
            row.now += n
        elif due <= horizon:
            row.soon += n
        if due > today and n and (row.next_day is None or due < row.next_day):
            row.next_day = due

    for group in found:
        due = group.due
        if due is None:
            continue
        count(people, due, group.people + len(group.referrals))
        count(followup, due, sum(per_duo[duo] for duo in group.duos))
        count(withdrawn, due, len(group.referrals & withdrawals))
    return people, followup, withdrawn


def _timed(rule: RetentionRule, qs: QuerySet[Any], field: str, now: dt.datetime) -> PlanRow:
    """A kind whose rows fall due `rule`'s period after the moment in `field`."""
    row = PlanRow(rule, acted=True)
    period = dt.timedelta(days=rule.period_days)
    cutoff = now - period
    row.now = qs.filter(**{f"{field}__lt": cutoff}).count()
    row.soon = qs.filter(
        **{f"{field}__gte": cutoff, f"{field}__lt": cutoff + dt.timedelta(days=HORIZON)}
    ).count()
    first = qs.filter(**{f"{field}__gte": cutoff}).aggregate(first=Min(field))["first"]
    if first is not None:
        row.next_day = timezone.localdate(first + period)
    return row


def purge_plan(*, now: dt.datetime) -> list[PlanRow]:
    """One row per kind of the schedule, in its order."""
    today = timezone.localdate(now)
    people, followup, withdrawn = _group_rows(today)
    rows = {
        DataKind.PARTICIPANT: people,
        DataKind.FOLLOWUP: followup,
        DataKind.AFTER_WITHDRAWAL: withdrawn,
        DataKind.MAIL_BODY: _timed(
            RULES[DataKind.MAIL_BODY.value],
            OutgoingMail.objects.exclude(body="", html="").filter(sent_at__isnull=False),
            "sent_at",
            now,
        ),
        DataKind.PRACTICE_PHOTO: _timed(
            RULES[DataKind.PRACTICE_PHOTO.value],
            PracticeSubmission.objects.filter(
                status=SubmissionStatus.REJECTED, moderated_at__isnull=False
            ).exclude(photo=""),
            "moderated_at",
            now,
        ),
        DataKind.AUDIT: _timed(RULES[DataKind.AUDIT.value], AuditEvent.objects.all(), "at", now),
        # deleted by the scheduled job idempotency-keys-purge, not by the purge itself
        DataKind.API_RETRY_KEY: _timed(
            RULES[DataKind.API_RETRY_KEY.value], IdempotentRequest.objects.all(), "created_at", now
        ),
    }
    for kind in (DataKind.INACTIVE_ACCOUNT, DataKind.STAFF_ACCOUNT):
        rows[kind] = PlanRow(RULES[kind.value], acted=True)
    for kind in (DataKind.DECLINED_BUDDY, DataKind.EXTRACT_FACT):
        rows[kind] = PlanRow(RULES[kind.value], acted=True)
    dues = account_dues(now=now)
    declined = DataKind.DECLINED_BUDDY
    dues += [(declined, day) for user_id, day in declined_dues() if not held(user_id)]
    extract = DataKind.EXTRACT_FACT
    dues += [(extract, day) for _buddy, user_id, day in extract_dues() if not held(user_id)]
    rows[DataKind.MONEY] = PlanRow(RULES[DataKind.MONEY.value], acted=True)
    dues += [(DataKind.MONEY, record.due) for record in money_records()]
    for kind, day in dues:
        row = rows[kind]
        if day <= today:
            row.now += 1
        else:
            row.soon += day <= today + dt.timedelta(days=HORIZON)
            row.next_day = min(day, row.next_day or day)
    return [rows.get(rule.kind) or PlanRow(rule, acted=False) for rule in SCHEDULE]
