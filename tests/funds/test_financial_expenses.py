"""Issue 21, point 5: the volunteer expenses of the expenses app (approved and paid claim
lines, by the day of the cost) are a category of the financial report, against their
budget, and hidden from the funder where they went to fewer than five buddies."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal as D

import pytest

from buddywerk.expenses import services
from buddywerk.funds.financial import VOLUNTEER_EXPENSES, financial_report
from buddywerk.funds.services import budget_line_set
from buddywerk.organisations.models import Programme
from buddywerk.reports.periods import Period
from tests.expenses.helpers import claim, coordinator, duo, meet, year

pytestmark = pytest.mark.django_db


def test_volunteer_expenses_are_a_line_of_the_financial_report():
    year(2026)
    trajectory = duo()
    meet(trajectory, dt.date(2026, 1, 7))
    boss = coordinator(trajectory)
    paid = claim(trajectory, dt.date(2026, 1, 1))
    for kw in (
        {"category": "allowance_day", "amount": D("42.31")},
        {"category": "travel", "km": D("10")},  # 4.33
    ):
        services.expense_line_add(
            actor=paid.claimant,
            claim=paid,
            date=dt.date(2026, 1, 7),
            today=dt.date(2026, 3, 1),
            **kw,
        )
    services.expense_claim_submit(actor=paid.claimant, claim=paid)
    services.expense_claim_approve(actor=boss, claim=paid)
    services.expense_claim_pay(actor=boss, claim=paid, reference="B1")
    programme = Programme.objects.get(pk=trajectory.programme_id)
    budget_line_set(
        programme=programme,
        school_year=2025,
        category=VOLUNTEER_EXPENSES,
        amount=D("500.00"),
        actor=None,
    )
    period = Period(dt.date(2025, 9, 1), dt.date(2026, 8, 31))
    programmes = Programme.objects.filter(pk=programme.pk)

    report = financial_report(programmes=programmes, period=period, suppressed=False)
    line = report.programmes[0].line(VOLUNTEER_EXPENSES)
    assert (line.budget, line.spent, line.balance, line.count) == (
        D("500.00"),
        D("46.64"),
        D("453.36"),
        1,
    )
    assert report.total.line(VOLUNTEER_EXPENSES).spent == D("46.64")
    assert report.total.spent == D("46.64")
    # One buddy's money: the funder does not see it, nor the totals it can be read from.
    funder = financial_report(programmes=programmes, period=period, suppressed=True)
    assert funder.programmes[0].line(VOLUNTEER_EXPENSES).hidden
    assert funder.total.line(VOLUNTEER_EXPENSES).hidden and funder.total.hidden
    # Another period: nothing spent.
    autumn = Period(dt.date(2026, 9, 1), dt.date(2026, 12, 31))
    report = financial_report(programmes=programmes, period=autumn, suppressed=False)
    assert report.programmes[0].line(VOLUNTEER_EXPENSES).spent == D("0.00")
