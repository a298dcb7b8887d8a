"""The grant page and its receipt (issue 21, point 6): served only to those who see the
grant, as a download that is never a page; 404 for anyone else."""

import pytest
from django.urls import reverse

from buddywerk.common.models import AuditEvent
from buddywerk.funds import services
from tests.factories import UserFactory, member
from tests.funds.world import PNG, make_world, upload
from tests.trajectories.factories import TrajectoryFactory

pytestmark = pytest.mark.django_db


def _receipt_url(grant, receipt):
    return reverse("funds:grant_receipt", args=[grant.uuid, receipt.pk])


def test_the_school_downloads_the_receipt_and_an_outsider_gets_404(client):
    w = make_world()
    grant = w.paid("42.00")
    receipt = services.grant_receipt_add(grant=grant, file=upload(PNG, "x.pdf"), actor=w.buddy)
    client.force_login(w.school)
    response = client.get(_receipt_url(grant, receipt))
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "attachment" in response["Content-Disposition"]
    assert response.content == PNG
    other = TrajectoryFactory()
    for outsider in (
        member(UserFactory(), other.school, "school_staff"),
        member(UserFactory(), other.programme, "programme_coordinator"),
        other.buddy.user,
    ):
        client.force_login(outsider)
        assert client.get(_receipt_url(grant, receipt)).status_code == 404
        page = client.get(reverse("funds:grant_detail", args=[grant.uuid]))
        assert page.status_code == 404


def test_the_grant_page_shows_the_money_and_audits_the_view_of_the_pupil(client):
    w = make_world()
    grant = w.paid("42.50")
    client.force_login(w.coord_c)
    response = client.get(reverse("funds:grant_detail", args=[grant.uuid]))
    assert response.status_code == 200
    html = response.content.decode()
    assert "€ 42,50" in html
    assert w.pupil.last_name not in html
    assert AuditEvent.objects.filter(
        action="view", actor=w.coord_c, object_type="referrals.pupil"
    ).exists()
