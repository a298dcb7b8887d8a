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

Suppression (R16, ARCHITECTURE.md 12; docs/reports.md, "Differencing"): study grants are
money given to a few named children, volunteer expenses money paid to a few named
volunteers. A suppressed (funder's) view protects that money in two ways.

1. Hidden ("x") where it went to 1 to 4 people (reports.suppression.is_small), together with
   the balance and the total spent of that scope. People, not rows: a study-grants line
   counts the grants paid, a volunteer-expenses line the buddies who claimed (a buddy who
   claims in two programmes is one person). The ids stay in memory; only figures leave.
   Complementarily, each line keeps `people` (the union over its programmes) and
   `unaccounted`: the people of its hidden programmes, whose money the line holds but no
   shown line below it does (for a programme: its people when hidden, else none; for a
   region or the total: the union of the `unaccounted` of its hidden children). A line of a
   region or of the total is hidden when its people or its unaccounted people number 1-4.
   This is enough inside one report: every published amount is a sum over a tree of scopes
   (programmes, regions, total), so subtracting shown blocks below a shown block from it
   leaves the money of a union of residual sets (the unaccounted people of shown blocks,
   or the people of shown blocks not subtracted), each holding no one or at least 5 people.
2. Banded between requests: a shown amount of such a line is published as its band of
   MONEY_BAND (`Amount`, "€ 500 - € 1.000"), 0.00 exact, as counts are published in bands
   of five. Two requests (two periods that differ by one month, the same period on two
   days) could otherwise give one grant away as the difference of two exact sums. What is
   computed from a band (the block's total spent, the balances) is published as the
   interval it implies, so it tells nothing the band does not. Budgets and the money
   received are not money to named people and stay exact; so does everything for readers
   who are not suppressed.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import ROUND_FLOOR, Decimal
from typing import Any

from django.db.models import QuerySet, Sum
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from buddywerk.organisations.models import Programme
from buddywerk.reports.periods import Period, school_year_of
from buddywerk.reports.suppression import is_small

from .models import BudgetCategory, BudgetLine, Cost, Funding, GrantFund, GrantPayment

ZERO = Decimal("0.00")
# The width of a band of money to named people: wider than any single grant or a volunteer's
# yearly allowance, so that no difference of two bands pins what one person got.
MONEY_BAND = Decimal("500")
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
NOBODY: frozenset[int] = frozenset()


@dataclass(frozen=True)
class Amount:
    """A published amount: exact when `low == high`, else somewhere from `low` (included)
    to `high` (a band, or an interval computed from bands)."""

    low: Decimal
    high: Decimal

    @property
    def exact(self) -> bool:
        return self.low == self.high

    def __add__(self, other: Amount) -> Amount:
        return Amount(self.low + other.low, self.high + other.high)

    def taken_from(self, budget: Decimal) -> Amount:
        """The balance `budget` minus this amount."""
        return Amount(budget - self.high, budget - self.low)


def band(amount: Decimal) -> Amount:
    """The band of MONEY_BAND holding `amount`; 0.00 stays exact (nobody was paid)."""
    if amount == 0:
        return Amount(ZERO, ZERO)
    low = (amount / MONEY_BAND).to_integral_value(rounding=ROUND_FLOOR) * MONEY_BAND
    return Amount(low, low + MONEY_BAND)


@dataclass
class Line:
    """One category of one scope: budget, spent, balance. `people` are the ids of the
    grants paid (study grants) or of the buddies who claimed (volunteer expenses),
    `unaccounted` those of hidden programmes below (module docstring); `hidden` whether
    the funder may not see `spent`, `banded` whether they see it as a band."""

    key: str
    label: str | Promise
    budget: Decimal = ZERO
    spent: Decimal = ZERO
    people: frozenset[int] = NOBODY
    unaccounted: frozenset[int] = NOBODY
    hidden: bool = False
    banded: bool = False

    @property
    def count(self) -> int:
        return len(self.people)

    @property
    def balance(self) -> Decimal:
        return self.budget - self.spent

    @property
    def shown_spent(self) -> Amount | None:
        """What is published of `spent`: None when hidden."""
        if self.hidden:
            return None
        return band(self.spent) if self.banded else Amount(self.spent, self.spent)

    @property
    def shown_balance(self) -> Amount | None:
        shown = self.shown_spent
        return None if shown is None else shown.taken_from(self.budget)


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

    @property
    def shown_spent(self) -> Amount | None:
        """The total spent as published: the sum of what its lines publish (an interval
        when a line is a band), None when a line is hidden."""
        total = Amount(ZERO, ZERO)
        for line in self.lines:
            shown = line.shown_spent
            if shown is None:
                return None
            total += shown
        return total

    @property
    def shown_balance(self) -> Amount | None:
        shown = self.shown_spent
        return None if shown is None else shown.taken_from(self.budget)

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
) -> dict[tuple[int, str], tuple[Decimal, frozenset[int]]]:
    """(programme, category) -> (spent, people) in the period: people are the ids of the
    grants paid or of the buddies who claimed (none for costs). One or two queries per
    source."""
    from buddywerk.expenses.selectors import expense_claimant_ids, expenses_paid

    result: dict[tuple[int, str], tuple[Decimal, frozenset[int]]] = {}
    for programme, category, spent in (
        Cost.objects.filter(
            programme_id__in=programme_ids, spent_on__range=(period.start, period.end)
        )
        .values_list("programme_id", "category")
        .annotate(s=Sum("amount"))
        .values_list("programme_id", "category", "s")
        .order_by()
    ):
        result[(programme, category)] = (spent, NOBODY)
    payments = GrantPayment.objects.filter(
        grant__fund__programme_id__in=programme_ids,
        paid_on__range=(period.start, period.end),
    )
    grants: dict[int, set[int]] = defaultdict(set)
    for programme, grant in payments.values_list("grant__fund__programme_id", "grant_id"):
        grants[programme].add(grant)
    for programme, spent in (
        payments.values_list("grant__fund__programme_id")
        .annotate(s=Sum("amount"))
        .values_list("grant__fund__programme_id", "s")
        .order_by()
    ):
        result[(programme, STUDY_GRANTS)] = (spent, frozenset(grants[programme]))
    claimants = expense_claimant_ids(programme_ids, period.start, period.end)
    for total in expenses_paid(programme_ids, period.start, period.end):
        spent, _people = result.get((total.programme_id, VOLUNTEER_EXPENSES), (ZERO, NOBODY))
        result[(total.programme_id, VOLUNTEER_EXPENSES)] = (
            spent + total.spent,
            claimants.get(total.programme_id, NOBODY),
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
        target.people |= line.people
        if line.hidden:
            target.unaccounted |= line.unaccounted


def _protect(line: Line, *, suppressed: bool) -> None:
    """Hide (1-4 people, or 1-4 unaccounted people below) or band a line of money to
    named people; `unaccounted` of a programme's line is set by the caller."""
    if suppressed and line.key in SMALL_COUNT_CATEGORIES:
        line.hidden = is_small(len(line.people)) or is_small(len(line.unaccounted))
        line.banded = not line.hidden


def _parent(label: str, children: list[Block], *, suppressed: bool) -> Block:
    parent = Block(label=label, lines=_empty_lines())
    for child in children:
        _add(parent, child)
    for line in parent.lines:
        _protect(line, suppressed=suppressed)
    return parent


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
            line.spent, line.people = spending.get((programme.pk, line.key), (ZERO, NOBODY))
            _protect(line, suppressed=suppressed)
            line.unaccounted = line.people if line.hidden else NOBODY
        blocks.append(block)
        code = programme.province_id or ""
        by_region[code].append(block)
        region_label[code] = str(programme.province) if programme.province_id else "-"

    regions = [
        _parent(region_label[code], children, suppressed=suppressed)
        for code, children in by_region.items()
    ]
    total = _parent(str(_("Total")), regions, suppressed=suppressed)
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


def euro_text(amount: Decimal, *, whole_euros: bool = False) -> str:
    """1234.5 -> "€ 1.234,50" (Belgian notation, exact); with `whole_euros`, a whole
    amount drops its cents: 2500 -> "€ 2.500" (the ends of a band)."""
    sign = "-" if amount < 0 else ""
    whole, cents = f"{abs(amount):.2f}".split(".")
    groups: list[str] = []
    while len(whole) > 3:
        groups.insert(0, whole[-3:])
        whole = whole[:-3]
    groups.insert(0, whole)
    if whole_euros and cents == "00":
        return f"{sign}€ {'.'.join(groups)}"
    return f"{sign}€ {'.'.join(groups)},{cents}"


def amount_text(amount: Amount) -> str:
    """An exact amount as euro_text, a band or interval as "€ 2.500 - € 3.000"."""
    if amount.exact:
        return euro_text(amount.low)
    return f"{euro_text(amount.low, whole_euros=True)} - {euro_text(amount.high, whole_euros=True)}"
