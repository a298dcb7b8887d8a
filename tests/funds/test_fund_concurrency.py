"""The fund is never overdrawn, even under concurrent approvals (issue 21, point 3): 20
second approvals at once from threads against a fund that covers 3 give exactly 3.

Needs PostgreSQL: SQLite has no row locks (select_for_update does nothing) and allows one
writer at a time, so it cannot show the race this test is about."""

import threading
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, connections

from buddywerk.funds import services
from buddywerk.funds.models import Grant, GrantStatus
from tests.funds.world import make_world

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="needs PostgreSQL row locks (select_for_update); SQLite has none",
    ),
]


def test_twenty_approvals_at_once_against_a_fund_for_three_give_three():
    w = make_world("300.00")
    grants = [w.submitted("100.00") for _ in range(20)]
    for grant in grants:
        services.grant_approve(grant=grant, actor=w.coord_a)
    barrier = threading.Barrier(len(grants))
    outcomes: list[str] = []
    lock = threading.Lock()

    def approve(grant: Grant) -> None:
        try:
            barrier.wait()
            services.grant_approve(grant=grant, actor=w.coord_b)
            result = "approved"
        except ValidationError:
            result = "refused"
        finally:
            connections.close_all()
        with lock:
            outcomes.append(result)

    threads = [threading.Thread(target=approve, args=(g,)) for g in grants]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(outcomes) == ["approved"] * 3 + ["refused"] * 17
    assert Grant.objects.filter(status=GrantStatus.APPROVED).count() == 3
    assert services.fund_balance(w.fund) == Decimal("0.00")
