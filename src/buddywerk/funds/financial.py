"""The financial report (issue 21, point 5; R16 "a financial report on the use of the
funds"): per programme and period, the money received (amount, funder, purpose) and the
spending per category against its budget, with the balance; then per region (province)
and in total for the funder. Read in the funder's report exports (reports/exports.py).

Categories and where their figures come from (`_spending`):
- coordination staff, other costs: `Cost` rows the programme entered with a receipt,
  counted on `spent_on`; budget from `BudgetLine` of the school years in the period;
- study grants: `GrantPayment`s counted on `paid_on`; budget = the `GrantFund`s of the
  school years in the period.
- volunteer expenses: the approved and paid claim lines of the expenses app
  (`expenses.selectors.expenses_paid`, totals only), counted on the day of each cost;
  budget from `BudgetLine`.

Suppression (R16, ARCHITECTURE.md 12): study grants are money given to a few named
children, volunteer expenses money paid to a few named volunteers. For a suppressed
(funder's) view such an amount is hidden where it went to 1 to 4 grants or claimants
(reports.suppression.is_small), together with every figure it can be worked out from (the
balance and the total spent of that line's scope), and complementarily: a region that
holds exactly one hidden programme is hidden too, and the total when exactly one region
is hidden.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Count, QuerySet, Sum
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from buddywerk.organisations.models import Programme
from buddywerk.reports.periods import Period, school_year_of
from buddywerk.reports.suppression import is_small

from .models import BudgetCategory, BudgetLine, Cost, Funding, GrantFund, GrantPayment

ZERO = Decimal("0.00")
STUDY_GRANTS = "grants"
VOLUNTEER_EXPENSES = BudgetCategory.VOLUNTEER_EXPENSES.value
CATEGORIES: tuple[tuple[str, str | Promise], ...] = (
    (BudgetCategory.COORDINATION_STAFF.value, BudgetCategory.COORDINATION_STAFF.label),
    (BudgetCategory.OTHER.value, BudgetCategory.OTHER.label),
    (STUDY_GRANTS, _("Study grants")),
    (VOLUNTEER_EXPENSES, BudgetCategory.VOLUNTEER_EXPENSES.label),
)
# Money to a few named people: hidden from the funder where it went to 1-4 of them.
SMALL_COUNT_CATEGORIES = frozenset({STUDY_GRANTS, VOLUNTEER_EXPENSES})


@dataclass
class Line:
    """One category of one scope: budget, spent, balance; `count` is the number of grants
    paid (study grants) or of claimants (volunteer expenses; summed over programmes, a
    buddy of two programmes counts twice), `hidden` whether the funder may not see
    `spent`."""

    key: str
    label: str | Promise
    budget: Decimal = ZERO
    spent: Decimal = ZERO
    count: int = 0
    hidden: bool = False

    @property
    def balance(self) -> Decimal:
        return self.budget - self.spent


@dataclass(frozen=True)
class Received:
    funder: str
    purpose: str
    amount: Decimal
    received_on: dt.date


@dataclass
class Block:
    """The figures of one programme, one region or the total."""

    label: str
    lines: list[Line]
    received: list[Received] = field(default_factory=list)

    @property
    def received_total(self) -> Decimal:
        return sum((r.amount for r in self.received), ZERO)

    @property
    def budget(self) -> Decimal:
        return sum((line.budget for line in self.lines), ZERO)

    @property
    def spent(self) -> Decimal:
        return sum((line.spent for line in self.lines), ZERO)

    @property
    def balance(self) -> Decimal:
        return self.budget - self.spent

    @property
    def hidden(self) -> bool:
        """The total spent (and balance) would show a hidden line."""
        return any(line.hidden for line in self.lines)

    def line(self, key: str) -> Line:
        return next(line for line in self.lines if line.key == key)


@dataclass
class FinancialReport:
    period: Period
    programmes: list[Block]
    regions: list[Block]
    total: Block
    suppressed: bool


def _empty_lines() -> list[Line]:
    return [Line(key=key, label=label) for key, label in CATEGORIES]


def _school_years(period: Period) -> list[int]:
    return list(range(school_year_of(period.start), school_year_of(period.end) + 1))


def _spending(
    programme_ids: list[int], period: Period
) -> dict[tuple[int, str], tuple[Decimal, int]]:
    """(programme, category) -> (spent, count) in the period. One query per source."""
    from buddywerk.expenses.selectors import expense_claimants, expenses_paid

    result: dict[tuple[int, str], tuple[Decimal, int]] = {}
    for programme, category, spent, n in (
        Cost.objects.filter(
            programme_id__in=programme_ids, spent_on__range=(period.start, period.end)
        )
        .values_list("programme_id", "category")
        .annotate(s=Sum("amount"), n=Count("id"))
        .values_list("programme_id", "category", "s", "n")
        .order_by()
    ):
        result[(programme, category)] = (spent, n)
    for programme, spent, n in (
        GrantPayment.objects.filter(
            grant__fund__programme_id__in=programme_ids,
            paid_on__range=(period.start, period.end),
        )
        .values_list("grant__fund__programme_id")
        .annotate(s=Sum("amount"), n=Count("grant_id", distinct=True))
        .values_list("grant__fund__programme_id", "s", "n")
        .order_by()
    ):
        result[(programme, STUDY_GRANTS)] = (spent, n)
    claimants = expense_claimants(programme_ids, period.start, period.end)
    for total in expenses_paid(programme_ids, period.start, period.end):
        spent, _n = result.get((total.programme_id, VOLUNTEER_EXPENSES), (ZERO, 0))
        result[(total.programme_id, VOLUNTEER_EXPENSES)] = (
            spent + total.spent,
            claimants.get(total.programme_id, 0),
        )
    return result


def _budgets(programme_ids: list[int], period: Period) -> dict[tuple[int, str], Decimal]:
    years = _school_years(period)
    result: dict[tuple[int, str], Decimal] = defaultdict(lambda: ZERO)
    for programme, category, amount in BudgetLine.objects.filter(
        programme_id__in=programme_ids, school_year__in=years
    ).values_list("programme_id", "category", "amount"):
        result[(programme, category)] += amount
    for programme, amount in GrantFund.objects.filter(
        programme_id__in=programme_ids, school_year__in=years
    ).values_list("programme_id", "amount"):
        result[(programme, STUDY_GRANTS)] += amount
    return result


def _add(into: Block, block: Block) -> None:
    into.received.extend(block.received)
    for line in block.lines:
        target = into.line(line.key)
        target.budget += line.budget
        target.spent += line.spent
        target.count += line.count


def _hide(blocks: list[Block], parent: Block, *, suppressed: bool) -> None:
    """Primary (1-4 grants or claimants) and complementary (exactly one hidden child)
    suppression of the lines of money to named people of `parent`."""
    if not suppressed:
        return
    for key in SMALL_COUNT_CATEGORIES:
        line = parent.line(key)
        hidden_children = sum(1 for b in blocks if b.line(key).hidden)
        line.hidden = is_small(line.count) or hidden_children == 1


def financial_report(
    *, programmes: QuerySet[Programme], period: Period, suppressed: bool
) -> FinancialReport:
    """The financial report of `programmes` (already scoped to the reader by the policy)
    over `period`, in a fixed number of queries."""
    rows = list(programmes.select_related("province").order_by("province_id", "name"))
    ids = [p.pk for p in rows]
    spending = _spending(ids, period)
    budgets = _budgets(ids, period)
    received: dict[int, list[Received]] = defaultdict(list)
    for programme_id, funder, purpose, amount, on in (
        Funding.objects.filter(programme_id__in=ids, received_on__range=(period.start, period.end))
        .order_by("received_on", "id")
        .values_list("programme_id", "funder", "purpose", "amount", "received_on")
    ):
        received[programme_id].append(Received(funder, purpose, amount, on))

    blocks: list[Block] = []
    by_region: dict[str, list[Block]] = defaultdict(list)
    region_label: dict[str, str] = {}
    for programme in rows:
        block = Block(label=str(programme), lines=_empty_lines(), received=received[programme.pk])
        for line in block.lines:
            line.budget = budgets.get((programme.pk, line.key), ZERO)
            line.spent, line.count = spending.get((programme.pk, line.key), (ZERO, 0))
            if suppressed and line.key in SMALL_COUNT_CATEGORIES:
                line.hidden = is_small(line.count)
        blocks.append(block)
        code = programme.province_id or ""
        by_region[code].append(block)
        region_label[code] = str(programme.province) if programme.province_id else "-"

    regions: list[Block] = []
    for code, children in by_region.items():
        region = Block(label=region_label[code], lines=_empty_lines())
        for child in children:
            _add(region, child)
        _hide(children, region, suppressed=suppressed)
        regions.append(region)
    total = Block(label=str(_("Total")), lines=_empty_lines())
    for region in regions:
        _add(total, region)
    _hide(regions, total, suppressed=suppressed)
    return FinancialReport(
        period=period, programmes=blocks, regions=regions, total=total, suppressed=suppressed
    )


def financial_for_user(
    user: Any, *, scope: Any, period: Period, suppressed: bool
) -> FinancialReport | None:
    """The financial report that goes with the funder's report of `scope` (reports/
    figures.Scope) for `user`, or None: a municipality's report has no money (money is
    not per municipality), and the policy decides who reads it."""
    from buddywerk.access import policy

    if not policy.can_view_financial_report(user) or scope.municipality is not None:
        return None
    programmes = policy.report_programmes_of(user, Programme.objects.all())
    if scope.programme is not None:
        programmes = programmes.filter(pk=scope.programme.pk)
    elif scope.province is not None:
        programmes = programmes.filter(province=scope.province)
    return financial_report(programmes=programmes, period=period, suppressed=suppressed)


def euro_text(amount: Decimal) -> str:
    """1234.5 -> "€ 1.234,50" (Belgian notation, exact)."""
    sign = "-" if amount < 0 else ""
    whole, cents = f"{abs(amount):.2f}".split(".")
    groups: list[str] = []
    while len(whole) > 3:
        groups.insert(0, whole[-3:])
        whole = whole[:-3]
    groups.insert(0, whole)
    return f"{sign}€ {'.'.join(groups)},{cents}"
