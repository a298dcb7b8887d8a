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
from buddywerk.geo.models import Province
from buddywerk.organisations.models import Programme
from buddywerk.reports.periods import Period
from tests.expenses.helpers import claim, coordinator, duo, meet, year
from tests.factories import ProgrammeFactory
from tests.trajectories.factories import TrajectoryFactory

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


def _paid_claim(trajectory, day: dt.date) -> None:
    meet(trajectory, day)
    paid = claim(trajectory, day.replace(day=1))
    services.expense_line_add(
        actor=paid.claimant,
        claim=paid,
        date=day,
        today=dt.date(2026, 3, 1),
        category="allowance_day",
        amount=D("42.31"),
    )
    services.expense_claim_submit(actor=paid.claimant, claim=paid)
    boss = coordinator(trajectory)
    services.expense_claim_approve(actor=boss, claim=paid)
    services.expense_claim_pay(actor=boss, claim=paid, reference="B1")


def test_a_buddy_who_claims_in_two_programmes_is_one_person():
    """Programme A: 3 buddies claim; programme B: 2 of them claim there too. Both are
    hidden (1-4 buddies). Antwerpen holds 5 claims but only 3 people: counted by claimant
    ids, not summed per programme, it is hidden too (it would be the money of 3 buddies)."""
    year(2026)
    antwerpen = Province.objects.get(code="VAN")
    a = ProgrammeFactory(name="A", province=antwerpen)
    b = ProgrammeFactory(name="B", province=antwerpen)
    first = [TrajectoryFactory(programme=a, planned_start=dt.date(2025, 11, 3)) for _ in range(3)]
    second = [
        TrajectoryFactory(programme=b, buddy=t.buddy, planned_start=dt.date(2025, 11, 3))
        for t in first[:2]
    ]
    for trajectory in first:
        _paid_claim(trajectory, dt.date(2026, 1, 7))
    for trajectory in second:
        _paid_claim(trajectory, dt.date(2026, 1, 14))
    period = Period(dt.date(2025, 9, 1), dt.date(2026, 8, 31))
    programmes = Programme.objects.filter(pk__in=[a.pk, b.pk])

    exact = financial_report(programmes=programmes, period=period, suppressed=False)
    region = exact.regions[0].line(VOLUNTEER_EXPENSES)
    assert (region.spent, region.count) == (D("211.55"), 3)
    funder = financial_report(programmes=programmes, period=period, suppressed=True)
    assert all(p.line(VOLUNTEER_EXPENSES).hidden for p in funder.programmes)
    assert funder.regions[0].line(VOLUNTEER_EXPENSES).shown_spent is None
    assert funder.total.line(VOLUNTEER_EXPENSES).shown_spent is None
