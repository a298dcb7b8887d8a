"""A cost the programme entered with its receipt (issue 21, points 5 and 6): the receipt is
downloaded from the finances page by the programme's coordinators only, served by Django
as a download that runs nothing; a coordinator of another programme, the programme's
buddy, the school and the funder get 404 (policy.can_view_cost_receipt). The receipt is
checked by its content and size (common/receipts.py), the same check as the grant and
expense receipts."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from buddywerk.access import policy
from buddywerk.access.models import Role
from buddywerk.common.receipts import MAX_RECEIPT_BYTES
from buddywerk.funds import services
from buddywerk.funds.models import Cost
from tests.factories import OrganisationFactory, UserFactory, member
from tests.funds.world import PDF, PNG, make_world, upload
from tests.trajectories.factories import TrajectoryFactory

pytestmark = pytest.mark.django_db


def _cost(w, content=PDF, name="zaal.pdf"):
    return services.cost_record(
        programme=w.duo.programme,
        category="other",
        description="Zaalhuur",
        amount="45.00",
        spent_on=timezone.localdate(),
        receipt=upload(content, name),
        actor=w.coord_a,
    )


def _url(cost):
    return reverse("funds:cost_receipt", args=[cost.programme.uuid, cost.pk])


def test_a_coordinator_of_the_programme_downloads_the_receipt(client):
    w = make_world()
    cost = _cost(w, PNG, "foto.pdf")
    assert cost.receipt_type == "image/png" and cost.receipt.name.endswith(".png")
    client.force_login(w.coord_b)
    page = client.get(reverse("funds:finances", args=[w.duo.programme.uuid])).content.decode()
    assert _url(cost) in page
    response = client.get(_url(cost))
    assert response.status_code == 200
    assert b"".join(response.streaming_content if response.streaming else [response.content]) == (
        PNG
    )
    assert response["Content-Type"] == "image/png"
    assert response["Content-Disposition"].startswith("attachment;")
    assert "sandbox" in response["Content-Security-Policy"]
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "no-store" in response["Cache-Control"]


def test_nobody_else_gets_the_receipt(client):
    w = make_world()
    cost = _cost(w)
    other = TrajectoryFactory()
    funder = member(UserFactory(), OrganisationFactory(kind="funder", name="Fonds"), Role.FUNDER)
    strangers = {
        "other programme's coordinator": member(
            UserFactory(), other.programme, Role.PROGRAMME_COORDINATOR
        ),
        "the programme's buddy": w.buddy,
        "the pupil's school": w.school,
        "the funder": funder,
    }
    for who, user in strangers.items():
        assert not policy.can_view_cost_receipt(user, cost), who
        client.force_login(user)
        assert client.get(_url(cost)).status_code == 404, who
    client.logout()
    assert client.get(_url(cost)).status_code == 302  # to the sign-in page
    # The right cost under another programme's address does not exist either.
    client.force_login(w.coord_a)
    wrong = reverse("funds:cost_receipt", args=[other.programme.uuid, cost.pk])
    assert client.get(wrong).status_code == 404


def test_a_cost_receipt_is_checked_like_every_receipt():
    w = make_world()
    for bad, code in (
        (b"<html>no</html>", "wrong_type"),
        (b"", "empty"),
        (PDF + b"0" * MAX_RECEIPT_BYTES, "too_large"),
    ):
        with pytest.raises(ValidationError) as err:
            _cost(w, bad)
        assert [e.code for e in err.value.error_dict["receipt"]] == [code]
    assert not Cost.objects.exists()
