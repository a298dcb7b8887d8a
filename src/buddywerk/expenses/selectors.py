"""Reads of volunteer expenses: from the policy-scoped queryset for pages, and the totals
for the financial report (issue 21, point 5)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import QuerySet, Sum

from buddywerk.access import policy
from buddywerk.access.policy import AnyUser

from .models import ClaimStatus, ExpenseClaim, ExpenseLine, LineCategory


def expense_claims_for(user: AnyUser) -> QuerySet[ExpenseClaim]:
    """Every claim the user may open (their own; their programmes' as coordinator)."""
    return policy.expense_claims_visible_to(
        user, ExpenseClaim.objects.select_related("programme", "claimant")
    )


def expense_claims_own(user: AnyUser) -> QuerySet[ExpenseClaim]:
    return expense_claims_for(user).filter(claimant_id=user.pk)


def expense_claims_to_decide(user: AnyUser) -> QuerySet[ExpenseClaim]:
    """The claims of the coordinator's programmes waiting for a decision or a payment."""
    return (
        expense_claims_for(user)
        .filter(
            programme_id__in=policy.expense_programme_ids(user),
            status__in=[ClaimStatus.SUBMITTED, ClaimStatus.APPROVED],
        )
        .exclude(claimant_id=user.pk)
        .order_by("status", "month", "created_at")
    )


@dataclass(frozen=True)
class ExpenseTotal:
    """Approved and paid volunteer expenses of one programme in one category.

    `approved` is approved and not yet paid (money promised); `paid` is money out."""

    programme_id: int
    category: str
    approved: Decimal
    paid: Decimal

    @property
    def spent(self) -> Decimal:
        return self.approved + self.paid


def _approved_lines(
    programme_ids: Iterable[int], start: dt.date, end: dt.date
) -> QuerySet[ExpenseLine]:
    """The approved and paid claims' lines of the programmes, dated from `start` to `end`
    (both included): what the financial report counts."""
    return ExpenseLine.objects.filter(
        claim__programme_id__in=list(programme_ids),
        claim__status__in=[ClaimStatus.APPROVED, ClaimStatus.PAID],
        date__gte=start,
        date__lte=end,
    )


def expense_claimant_ids(
    programme_ids: Iterable[int], start: dt.date, end: dt.date
) -> dict[int, frozenset[int]]:
    """Per programme, the ids of the buddies the approved and paid expenses of `start` to
    `end` went to: the financial report hides money that went to 1-4 people, and counts a
    buddy who claims in two programmes once. The ids stay in memory: never published."""
    ids: dict[int, set[int]] = {}
    for programme_id, claimant_id in (
        _approved_lines(programme_ids, start, end)
        .values_list("claim__programme_id", "claim__claimant_id")
        .distinct()
        .order_by()
    ):
        ids.setdefault(programme_id, set()).add(claimant_id)
    return {programme_id: frozenset(people) for programme_id, people in ids.items()}


def expenses_paid(programme_ids: Iterable[int], start: dt.date, end: dt.date) -> list[ExpenseTotal]:
    """The financial report's volunteer expenses (issue 21, point 5): per programme and
    category (LineCategory: fixed allowance, real costs, travel), the approved and paid
    amounts of the lines dated from `start` to `end` (both included). Totals only: no
    person, no claim. Exact decimals; one query."""
    rows = (
        _approved_lines(programme_ids, start, end)
        .values("claim__programme_id", "category", "claim__status")
        .annotate(total=Sum("amount"))
        .order_by()
    )
    sums: dict[tuple[int, str], dict[str, Decimal]] = {}
    for row in rows:
        key = (row["claim__programme_id"], row["category"])
        sums.setdefault(key, {})[row["claim__status"]] = row["total"]
    order = {value: i for i, value in enumerate(LineCategory.values)}
    return [
        ExpenseTotal(
            programme_id=programme_id,
            category=category,
            approved=by_status.get(ClaimStatus.APPROVED, Decimal("0.00")),
            paid=by_status.get(ClaimStatus.PAID, Decimal("0.00")),
        )
        for (programme_id, category), by_status in sorted(
            sums.items(), key=lambda item: (item[0][0], order[item[0][1]])
        )
    ]
