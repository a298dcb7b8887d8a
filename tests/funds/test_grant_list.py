"""The grants list (issue 21, points 3 and 6): the programme's coordinators see its grants
and the fund's balance, a school its own pupils' grants only; the menu links to it through
`can.list_grants`; others are refused."""

import pytest
from django.urls import reverse

from buddywerk.common.models import AuditEvent
from tests.factories import UserFactory, member
from tests.funds.world import make_world
from tests.trajectories.factories import TrajectoryFactory, school_staff_of

pytestmark = pytest.mark.django_db

URL = reverse("funds:grant_list")


def test_coordinators_see_the_grants_of_their_programme_and_the_fund(client):
    w = make_world(fund_amount="300.00")
    grant = w.approved("120.00")
    w.request("30.00")
    other = make_world(fund_amount="200.00")
    hidden = other.request("55.00")
    client.force_login(w.coord_c)
    home = client.get(reverse("home")).content.decode()
    assert URL in home
    response = client.get(URL)
    html = response.content.decode()
    assert response.status_code == 200
    assert reverse("funds:grant_detail", args=[grant.uuid]) in html
    assert reverse("funds:grant_detail", args=[hidden.uuid]) not in html
    assert "€ 180,00" in html  # 300 - 120 still free
    assert w.pupil.last_name not in html
    assert AuditEvent.objects.filter(actor=w.coord_c, object_type="referrals.pupil").exists()
    only_approved = client.get(URL, {"status": "approved"}).content.decode()
    assert reverse("funds:grant_detail", args=[grant.uuid]) in only_approved
    assert "€ 30,00" not in only_approved


def test_a_school_sees_only_its_own_pupils_grants(client):
    w = make_world()
    grant = w.request("40.00")
    duo = TrajectoryFactory(programme=w.duo.programme)
    other_pupil_grant = services_request(w, duo)
    client.force_login(w.school)
    html = client.get(URL).content.decode()
    assert reverse("funds:grant_detail", args=[grant.uuid]) in html
    if duo.school_id != w.duo.school_id:
        assert reverse("funds:grant_detail", args=[other_pupil_grant.uuid]) not in html
    assert "Financiën" not in html


def services_request(w, duo):
    from buddywerk.funds import services

    school_staff_of(duo)
    return services.grant_request(
        trajectory=duo,
        pupil=duo.participants.get().pupil,
        purpose="transport",
        amount="20.00",
        reason="Bus pass",
        actor=w.coord_a,
    )


def test_a_buddy_and_others_have_no_list(client):
    w = make_world()
    w.request()
    for user in (w.buddy, UserFactory()):
        client.force_login(user)
        assert client.get(URL).status_code == 403
        assert URL not in client.get(reverse("home")).content.decode()


def test_a_coordinator_of_another_programme_sees_none_of_these(client):
    w = make_world()
    grant = w.request()
    outsider = member(UserFactory(), TrajectoryFactory().programme, "programme_coordinator")
    client.force_login(outsider)
    html = client.get(URL).content.decode()
    assert reverse("funds:grant_detail", args=[grant.uuid]) not in html
    assert client.get(reverse("funds:grant_detail", args=[grant.uuid])).status_code == 404
