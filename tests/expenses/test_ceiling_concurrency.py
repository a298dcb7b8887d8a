"""The volunteer's ceilings hold under concurrent writes (issue 21, point 4): claims of one
buddy written, submitted and approved at the same moment never add up past the year's
ceiling, and one calendar year never gets both the fixed allowance and real costs.

Every such write locks the claimant's user row first (expenses/services.py), so the second
writer counts what the first committed. Needs PostgreSQL: SQLite has no row locks
(select_for_update does nothing) and lets one writer in at a time, so it cannot show the
race this test is about."""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Callable
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, connections
from django.db.models import Sum

from buddywerk.expenses import services
from buddywerk.expenses.models import ClaimStatus, ExpenseClaim, ExpenseLine, LineCategory
from tests.expenses.helpers import claim, coordinator, duo, meet, year
from tests.factories import UserFactory, member

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="needs PostgreSQL row locks (select_for_update); SQLite has none and lets "
        "one writer in at a time, so the race cannot happen there",
    ),
]

D = Decimal
DAY = D("42.31")  # the 2025 fixed allowance per day, the figure of tests/expenses/helpers
TODAY = dt.date(2026, 12, 1)


def _at_once(jobs: list[Callable[[], object]]) -> list[str]:
    """Run the jobs in threads released together; "ok" or the refusal's code for each."""
    barrier = threading.Barrier(len(jobs))
    outcomes: list[str] = []
    lock = threading.Lock()

    def run(job: Callable[[], object]) -> None:
        try:
            barrier.wait()
            job()
            result = "ok"
        except ValidationError as error:
            codes = [e.code for e in error.error_list] if hasattr(error, "error_list") else []
            if hasattr(error, "error_dict"):
                codes = [e.code for errors in error.error_dict.values() for e in errors]
            result = ",".join(str(c) for c in codes) or "refused"
        finally:
            connections.close_all()
        with lock:
            outcomes.append(result)

    threads = [threading.Thread(target=run, args=(job,)) for job in jobs]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return outcomes


def _allowance_in(y: int) -> Decimal:
    total = ExpenseLine.objects.filter(
        category=LineCategory.ALLOWANCE_DAY,
        claim__month__year=y,
        claim__status__in=(ClaimStatus.DRAFT, ClaimStatus.SUBMITTED, ClaimStatus.APPROVED),
    ).aggregate(s=Sum("amount"))["s"]
    return total or D("0.00")


def test_six_claims_written_at_once_stay_under_the_year_ceiling():
    """Six months, each alone well under the ceiling of 100.00, written at once: exactly
    two days fit (84.62); the other four are refused with the year ceiling's reason."""
    year(2026, per_year="100.00")
    trajectory = duo()
    days = [dt.date(2026, month, 5) for month in range(1, 7)]
    meet(trajectory, *days)
    claims = [claim(trajectory, day.replace(day=1)) for day in days]
    user = trajectory.buddy.user

    def add(c: ExpenseClaim, day: dt.date) -> Callable[[], object]:
        return lambda: services.expense_line_add(
            actor=user, claim=c, date=day, category="allowance_day", amount=DAY, today=TODAY
        )

    outcomes = _at_once([add(c, d) for c, d in zip(claims, days, strict=True)])
    assert sorted(outcomes) == ["ok"] * 2 + ["year_ceiling"] * 4
    assert _allowance_in(2026) == D("84.62")


def test_claims_submitted_and_approved_at_once_never_pass_the_ceiling():
    """Four claims of 42.31 each (169.24) fit the year's figures when written and three
    are sent; the platform admin then corrects the year ceiling to 100.00. Three approvals
    at once by three coordinators approve nothing (every claim counts the others), and
    once the buddy dropped a day and one claim is refused, the two approvals at once
    both go through: what is approved never passes the ceiling."""
    year(2026, per_year="200.00")
    trajectory = duo()
    days = [dt.date(2026, month, 5) for month in range(7, 11)]
    meet(trajectory, *days)
    user = trajectory.buddy.user
    claims = []
    for day in days:
        c = claim(trajectory, day.replace(day=1))
        services.expense_line_add(
            actor=user, claim=c, date=day, category="allowance_day", amount=DAY, today=TODAY
        )
        claims.append(c)
    sent = _at_once(
        [lambda c=c: services.expense_claim_submit(actor=user, claim=c) for c in claims[:3]]
    )
    assert sent == ["ok"] * 3
    year(2026, per_year="100.00")
    deciders = [coordinator(trajectory)] + [
        member(UserFactory(), trajectory.programme, "programme_coordinator") for _ in range(2)
    ]

    def approve(c: ExpenseClaim, who) -> Callable[[], object]:
        return lambda: services.expense_claim_approve(actor=who, claim=c)

    outcomes = _at_once([approve(c, who) for c, who in zip(claims[:3], deciders, strict=True)])
    assert outcomes == ["year_ceiling"] * 3
    assert not ExpenseClaim.objects.filter(status=ClaimStatus.APPROVED).exists()

    services.expense_line_delete(actor=user, line=claims[3].lines.get())
    services.expense_claim_refuse(actor=deciders[0], claim=claims[2], reason="Dubbel.")
    outcomes = _at_once([approve(c, who) for c, who in zip(claims[:2], deciders, strict=False)])
    assert outcomes == ["ok", "ok"]
    approved = ExpenseLine.objects.filter(claim__status=ClaimStatus.APPROVED).aggregate(
        s=Sum("amount")
    )["s"]
    assert approved == D("84.62") <= D("100.00")
    assert _allowance_in(2026) == D("84.62")


def test_allowance_and_real_costs_opened_at_once_give_one_kind_for_the_year():
    """Two claims of one buddy, one with the fixed allowance and one with real costs,
    opened at the same moment for two months of one year: exactly one is opened."""
    year(2026)
    trajectory = duo()
    user = trajectory.buddy.user
    outcomes = _at_once(
        [
            lambda: claim(trajectory, dt.date(2026, 3, 1), kind="allowance"),
            lambda: claim(trajectory, dt.date(2026, 4, 1), kind="real"),
        ]
    )
    assert sorted(outcomes) == ["kind_mixed", "ok"]
    assert ExpenseClaim.objects.filter(claimant=user, month__year=2026).count() == 1
