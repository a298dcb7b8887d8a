"""The grant request page (issue 21, point 3): reached from the duo's page by those who may
ask (the duo's buddy or mentor, the pupil's school, the programme's coordinators); a
draft on good input, a Dutch error and nothing saved on bad input, one draft for a form
sent twice, 404 for outsiders."""

import pytest
from django.urls import reverse

from buddywerk.funds.models import Grant, GrantStatus
from tests.factories import UserFactory, member
from tests.funds.world import make_world
from tests.trajectories.factories import TrajectoryFactory

pytestmark = pytest.mark.django_db

ONCE = "6b1f3c0e-8f7e-4c2a-9d1e-0c2b5a7d9e12"


def _url(w):
    return reverse("funds:grant_request", args=[w.duo.uuid])


def _data(w, **overrides):
    data = {
        "pupil": w.pupil.pk,
        "purpose": "tools",
        "amount": "75,50",
        "reason": "Tools for the welding course",
        "care_coordinator": w.school.pk,
        "once_token": ONCE,
    }
    data.update(overrides)
    return data


def test_the_duo_page_links_to_the_request_only_for_those_who_may_ask(client):
    w = make_world()
    duo_page = reverse("trajectories:detail", args=[w.duo.uuid])
    for user in (w.buddy, w.coord_a, w.school):
        client.force_login(user)
        assert _url(w) in client.get(duo_page).content.decode()


def test_the_buddy_requests_a_grant_as_a_draft(client):
    w = make_world()
    client.force_login(w.buddy)
    page = client.get(_url(w))
    assert page.status_code == 200
    assert 'name="once_token"' in page.content.decode()
    response = client.post(_url(w), _data(w))
    grant = Grant.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("funds:grant_detail", args=[grant.uuid])
    assert str(grant.amount) == "75.50"
    assert grant.status == GrantStatus.DRAFT
    assert grant.requested_by == w.buddy
    assert grant.care_coordinator == w.school


def test_bad_input_shows_dutch_errors_and_saves_nothing(client):
    w = make_world(fund_amount="100.00")
    client.force_login(w.buddy)
    for data, error in (
        (_data(w, amount="12,345"), "twee cijfers na de komma"),
        (_data(w, amount="veel"), "bedrag in euro"),
        (_data(w, amount="150"), "hele beurzenfonds"),
        (_data(w, reason=""), "Dit veld is verplicht"),
    ):
        response = client.post(_url(w), data)
        assert response.status_code == 200
        assert error in response.content.decode(), error
    assert not Grant.objects.exists()


def test_a_request_sent_twice_makes_one_draft(client):
    w = make_world()
    client.force_login(w.buddy)
    client.post(_url(w), _data(w))
    again = client.post(_url(w), _data(w), follow=True)
    assert again.status_code == 200
    assert Grant.objects.count() == 1


def test_an_outsider_gets_404(client):
    w = make_world()
    other = TrajectoryFactory()
    for outsider in (
        other.buddy.user,
        member(UserFactory(), other.programme, "programme_coordinator"),
    ):
        client.force_login(outsider)
        assert client.get(_url(w)).status_code == 404
        assert client.post(_url(w), _data(w)).status_code == 404
    assert not Grant.objects.exists()
