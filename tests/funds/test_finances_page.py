"""The programme's finances page (issue 21, point 5): its coordinators set the grant fund
per school year and the budget per category (volunteer expenses included), and enter the
funding received and the costs with a receipt. Bad input changes nothing; a form sent
twice records once; anyone else gets 404."""

import pytest
from django.urls import reverse
from django.utils import timezone

from buddywerk.funds.models import BudgetLine, Cost, Funding, GrantFund
from buddywerk.reports.periods import school_year_of
from tests.factories import UserFactory, member
from tests.funds.world import PDF, make_world, upload
from tests.trajectories.factories import TrajectoryFactory

pytestmark = pytest.mark.django_db


def _url(w):
    return reverse("funds:finances", args=[w.duo.programme.uuid])


def _year():
    return school_year_of(timezone.localdate())


def test_coordinators_set_the_fund_and_a_volunteer_expenses_budget(client):
    w = make_world(fund_amount="300.00")
    client.force_login(w.coord_b)
    assert client.get(_url(w)).status_code == 200
    response = client.post(
        _url(w),
        {
            "form": "fund",
            "fund-school_year": _year(),
            "fund-amount": "450,00",
            "fund-funder": "Stad Mechelen",
            "fund-receipt_days": "30",
        },
    )
    assert response.status_code == 302
    fund = GrantFund.objects.get(programme=w.duo.programme, school_year=_year())
    assert str(fund.amount) == "450.00"
    assert fund.receipt_days == 30
    client.post(
        _url(w),
        {
            "form": "budget",
            "budget-school_year": _year(),
            "budget-category": "expenses",
            "budget-amount": "1200",
        },
    )
    line = BudgetLine.objects.get(programme=w.duo.programme, category="expenses")
    assert str(line.amount) == "1200.00"
    html = client.get(_url(w)).content.decode()
    assert "Onkosten van vrijwilligers" in html
    assert "€ 1.200,00" in html


def test_the_fund_cannot_shrink_below_approved_grants_and_bad_input_changes_nothing(client):
    w = make_world(fund_amount="300.00")
    w.approved("200.00")
    client.force_login(w.coord_c)
    base = {"form": "fund", "fund-school_year": _year(), "fund-funder": "Stad Mechelen"}
    response = client.post(_url(w), {**base, "fund-amount": "150", "fund-receipt_days": "60"})
    assert response.status_code == 200
    assert "Goedgekeurde beurzen gebruiken al meer" in response.content.decode()
    response = client.post(_url(w), {**base, "fund-amount": "1,234", "fund-receipt_days": "60"})
    assert response.status_code == 200
    assert "twee cijfers na de komma" in response.content.decode()
    w.fund.refresh_from_db()
    assert str(w.fund.amount) == "300.00"


def test_funding_and_a_cost_with_its_receipt_are_recorded_once(client):
    w = make_world()
    client.force_login(w.coord_a)
    today = timezone.localdate().isoformat()
    funding = {
        "form": "funding",
        "funding-funder": "Koning Boudewijnstichting",
        "funding-purpose": "Mentoring",
        "funding-amount": "5000",
        "funding-received_on": today,
        "once_token": "6b1f3c0e-8f7e-4c2a-9d1e-0c2b5a7d9e21",
    }
    assert client.post(_url(w), funding).status_code == 302
    client.post(_url(w), funding, follow=True)
    assert Funding.objects.count() == 1
    cost = {
        "form": "cost",
        "cost-category": "staff",
        "cost-description": "Coordinator hours, September",
        "cost-amount": "812,40",
        "cost-spent_on": today,
        "once_token": "6b1f3c0e-8f7e-4c2a-9d1e-0c2b5a7d9e22",
    }
    bad = client.post(_url(w), {**cost, "cost-receipt": upload(b"not a receipt", "x.txt")})
    assert bad.status_code == 200
    assert "PDF-, JPEG- of PNG" in bad.content.decode()
    assert not Cost.objects.exists()
    assert client.post(_url(w), {**cost, "cost-receipt": upload(PDF)}).status_code == 302
    client.post(_url(w), {**cost, "cost-receipt": upload(PDF)})
    assert Cost.objects.get().amount.compare(__import__("decimal").Decimal("812.40")) == 0


def test_others_get_404(client):
    w = make_world()
    outsider = member(UserFactory(), TrajectoryFactory().programme, "programme_coordinator")
    for user in (w.buddy, w.school, outsider):
        client.force_login(user)
        assert client.get(_url(w)).status_code == 404
        data = {"form": "budget", "budget-school_year": _year(), "budget-category": "other"}
        assert client.post(_url(w), {**data, "budget-amount": "10"}).status_code == 404
    assert not BudgetLine.objects.exists()
