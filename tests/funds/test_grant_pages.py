"""The grant page's forms (issue 21, point 3): each step is a POST that calls its service;
bad input shows a Dutch error on the form and changes nothing; a form sent twice does
nothing twice; an outsider gets 404 and someone who sees the grant but may not take the
step gets 403."""

import pytest
from django.urls import reverse

from buddywerk.funds.models import GrantPayment, GrantReceipt, GrantStatus
from tests.factories import UserFactory, member
from tests.funds.world import PDF, make_world, upload
from tests.trajectories.factories import TrajectoryFactory

pytestmark = pytest.mark.django_db

ONCE = "6b1f3c0e-8f7e-4c2a-9d1e-0c2b5a7d9e11"


def _url(name, grant):
    return reverse(f"funds:{name}", args=[grant.uuid])


def _status(grant):
    grant.refresh_from_db()
    return grant.status


def test_the_requester_submits_and_a_second_submit_changes_nothing(client):
    w = make_world()
    grant = w.request()
    client.force_login(w.buddy)
    page = client.get(_url("grant_detail", grant)).content.decode()
    assert _url("grant_submit", grant) in page
    response = client.post(_url("grant_submit", grant), follow=True)
    assert _status(grant) == GrantStatus.SUBMITTED
    assert "twee coördinatoren" in response.content.decode()
    transitions = grant.transitions.count()
    again = client.post(_url("grant_submit", grant), follow=True)
    assert again.status_code == 200
    assert grant.transitions.count() == transitions
    assert "Er is niets veranderd" in again.content.decode()


def test_two_coordinators_approve_and_the_first_cannot_approve_twice(client):
    w = make_world()
    grant = w.submitted("80.00")
    client.force_login(w.coord_a)
    client.post(_url("grant_approve", grant))
    grant.refresh_from_db()
    assert grant.first_approved_by == w.coord_a
    assert grant.status == GrantStatus.SUBMITTED
    again = client.post(_url("grant_approve", grant), follow=True)
    assert "tweede coördinator" in again.content.decode()
    assert _status(grant) == GrantStatus.SUBMITTED
    client.force_login(w.coord_b)
    client.post(_url("grant_approve", grant))
    assert _status(grant) == GrantStatus.APPROVED
    # A third send (a double click) does not decide again.
    again = client.post(_url("grant_approve", grant), follow=True)
    assert "Er is niets veranderd" in again.content.decode()
    grant.refresh_from_db()
    assert grant.decided_by == w.coord_b


def test_the_requester_may_not_decide_their_own_grant(client):
    w = make_world()
    grant = w.request(actor=w.coord_a)
    client.force_login(w.coord_a)
    client.post(_url("grant_submit", grant))
    assert _status(grant) == GrantStatus.SUBMITTED
    assert client.post(_url("grant_approve", grant)).status_code == 403
    assert client.post(_url("grant_refuse", grant), {"reason": "x"}).status_code == 403
    assert _status(grant) == GrantStatus.SUBMITTED


def test_refusing_needs_a_reason_and_then_the_grant_is_refused_once(client):
    w = make_world()
    grant = w.submitted()
    client.force_login(w.coord_c)
    response = client.post(_url("grant_refuse", grant), {"reason": "  "})
    assert response.status_code == 200
    assert "Dit veld is verplicht" in response.content.decode()
    assert _status(grant) == GrantStatus.SUBMITTED
    client.post(_url("grant_refuse", grant), {"reason": "The fund is for tools only"})
    assert _status(grant) == GrantStatus.REFUSED
    again = client.post(_url("grant_refuse", grant), {"reason": "Again"}, follow=True)
    assert "Er is niets veranderd" in again.content.decode()
    assert grant.transitions.filter(to_status=GrantStatus.REFUSED).count() == 1


def _payment(**overrides):
    data = {
        "amount": "60,00",
        "payee": "supplier",
        "payee_name": "Brico",
        "paid_on": "",
        "reference": "BW-7",
        "once_token": ONCE,
    }
    data.update(overrides)
    return data


def test_a_payment_over_the_grant_is_refused_on_the_form_and_records_nothing(client):
    from django.utils import timezone

    w = make_world()
    grant = w.approved("100.00")
    client.force_login(w.coord_a)
    today = timezone.localdate().isoformat()
    response = client.post(_url("grant_payment", grant), _payment(amount="100,01", paid_on=today))
    assert response.status_code == 200
    assert "betaald worden" in response.content.decode()
    assert not GrantPayment.objects.filter(grant=grant).exists()
    response = client.post(
        _url("grant_payment", grant), _payment(payee_name="", paid_on=today, amount="10")
    )
    assert response.status_code == 200
    assert not GrantPayment.objects.exists()


def test_a_payment_sent_twice_is_recorded_once(client):
    from django.utils import timezone

    w = make_world()
    grant = w.approved("100.00")
    client.force_login(w.coord_a)
    data = _payment(paid_on=timezone.localdate().isoformat())
    first = client.post(_url("grant_payment", grant), data)
    assert first.status_code == 302
    again = client.post(_url("grant_payment", grant), data, follow=True)
    assert again.status_code == 200
    assert GrantPayment.objects.filter(grant=grant).count() == 1
    assert _status(grant) == GrantStatus.APPROVED
    client.post(
        _url("grant_payment", grant),
        _payment(
            amount="40", paid_on=data["paid_on"], once_token="0d6c7c3e-0000-4000-8000-000000000001"
        ),
    )
    assert _status(grant) == GrantStatus.PAID


def test_the_buddy_uploads_the_receipt_once_and_a_coordinator_closes(client):
    w = make_world()
    grant = w.paid("50.00")
    client.force_login(w.buddy)
    bad = client.post(
        _url("grant_receipt_add", grant),
        {"file": upload(b"GIF89a....", "x.gif"), "once_token": ONCE},
    )
    assert bad.status_code == 200
    assert "PDF-, JPEG- of PNG" in bad.content.decode()
    assert not GrantReceipt.objects.exists()
    token = "0d6c7c3e-0000-4000-8000-000000000002"
    assert (
        client.post(
            _url("grant_receipt_add", grant), {"file": upload(PDF), "once_token": token}
        ).status_code
        == 302
    )
    assert _status(grant) == GrantStatus.JUSTIFIED
    client.post(_url("grant_receipt_add", grant), {"file": upload(PDF), "once_token": token})
    assert GrantReceipt.objects.filter(grant=grant).count() == 1
    assert client.post(_url("grant_close", grant)).status_code == 403
    client.force_login(w.coord_b)
    client.post(_url("grant_close", grant))
    assert _status(grant) == GrantStatus.CLOSED
    again = client.post(_url("grant_close", grant), follow=True)
    assert "Er is niets veranderd" in again.content.decode()


def test_outsiders_get_404_on_every_step(client):
    w = make_world()
    grant = w.submitted()
    other = TrajectoryFactory()
    outsider = member(UserFactory(), other.programme, "programme_coordinator")
    client.force_login(outsider)
    for name in (
        "grant_submit",
        "grant_approve",
        "grant_refuse",
        "grant_payment",
        "grant_receipt_add",
        "grant_close",
    ):
        assert client.post(_url(name, grant), {"reason": "x"}).status_code == 404
    assert _status(grant) == GrantStatus.SUBMITTED
