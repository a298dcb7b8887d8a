"""Money records past their period (issue 21; R18; the schedule's `DataKind.MONEY`).

The accounts are kept seven years after the end of the calendar year they belong to
(Belgian accounting law), then deleted with their receipt files:
- a study grant, with its payments, receipts and history: the year of its last payment,
  or of its decision, or of its request when it was never decided;
- a cost the programme entered: the year it was spent;
- a paid volunteer expense claim, with its lines and receipts: the year it was paid.
A record is due on 1 January of the eighth year after its year (2025 -> 2033-01-01), so it
is kept up to and including 31 December of the seventh. Erasing a pupil or a buddy earlier
only anonymises these records (funds.services.grants_anonymise,
expenses.services.expense_claims_anonymise): the amounts must stay in the accounts.
The files go from storage once the deletion is committed (common/receipts.py).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from buddywerk.expenses.models import ClaimStatus, ExpenseClaim
from buddywerk.funds.models import Cost, Grant

from .schedule import RULES, DataKind


def kept_years() -> int:
    """The schedule's period for money records, in whole years."""
    return RULES[DataKind.MONEY.value].period_days // 365


def due_day(booked: dt.date) -> dt.date:
    """The day a record booked on `booked` goes: 1 January after its seven full years."""
    return dt.date(booked.year + 1 + kept_years(), 1, 1)


def _day(moment: dt.datetime | None) -> dt.date | None:
    return timezone.localdate(moment) if moment is not None else None


@dataclass(frozen=True)
class MoneyRecord:
    model: type[Grant] | type[Cost] | type[ExpenseClaim]
    pk: int
    due: dt.date


def money_records() -> Iterator[MoneyRecord]:
    """Every money record with the day it falls due (reads only)."""
    grants = Grant.objects.annotate(last_paid=Max("payments__paid_on")).values_list(
        "pk", "last_paid", "decided_at", "created_at"
    )
    for pk, last_paid, decided_at, created_at in grants:
        booked = last_paid or _day(decided_at) or _day(created_at)
        if booked is not None:
            yield MoneyRecord(Grant, pk, due_day(booked))
    for pk, spent_on in Cost.objects.values_list("pk", "spent_on"):
        yield MoneyRecord(Cost, pk, due_day(spent_on))
    paid = ExpenseClaim.objects.filter(status=ClaimStatus.PAID, paid_at__isnull=False)
    for pk, paid_at in paid.values_list("pk", "paid_at"):
        yield MoneyRecord(ExpenseClaim, pk, due_day(timezone.localdate(paid_at)))


def money_records_purge(*, now: dt.datetime) -> int:
    """Delete the money records whose period ended, with their payments, lines, history
    and receipt files. Returns the records deleted (grants, costs and claims)."""
    today = timezone.localdate(now)
    due: dict[type[Grant] | type[Cost] | type[ExpenseClaim], list[int]] = {}
    for record in money_records():
        if record.due <= today:
            due.setdefault(record.model, []).append(record.pk)
    count = 0
    with transaction.atomic():
        for model, ids in due.items():
            # Row by row, so each row's post_delete takes its receipt file (and cascades).
            rows: Iterable[Grant | Cost | ExpenseClaim] = model.objects.filter(pk__in=ids)
            for row in rows:
                row.delete()
                count += 1
    return count
