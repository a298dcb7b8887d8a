"""Issue 14, point 3 in the demo: the city account of Mechelen (made by the platform admin
through the services) sees Mechelen's figures, in bands of five, and no other
municipality's."""

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation

from buddywerk.access import policy
from buddywerk.access.models import Role, User
from buddywerk.common.audit import AuditAction
from buddywerk.common.models import AuditEvent
from buddywerk.demo.world import build_world, demo_email
from buddywerk.organisations.models import City
from buddywerk.reports import dashboards
from buddywerk.reports.forms import default_query

pytestmark = pytest.mark.django_db

MECHELEN = "municipality:12025"


def test_the_city_of_mechelen_sees_its_own_figures_only():
    build_world()
    user = User.objects.get(email=demo_email("stad.mechelen"))
    city = City.objects.get(municipality_id="12025")
    assert policy.roles_of(user) == {Role.CITY_STAFF}
    assert policy.city_municipality_codes(user) == {"12025"}
    admin = User.objects.get(email=demo_email("admin"))
    # Made by the platform admin through the services, each step audited.
    membership = user.memberships.get()
    for action, object_id in (
        (AuditAction.ORGANISATION_CREATE, str(city.uuid)),
        (AuditAction.USER_CREATE, str(user.uuid)),
        (AuditAction.MEMBERSHIP_GRANT, str(membership.pk)),
    ):
        assert AuditEvent.objects.filter(action=action, actor=admin, object_id=object_id).exists()

    # The home page: Mechelen's figures this school year, in bands.
    (panel,) = dashboards.panels_for(user)
    assert str(panel.title) == "Mechelen"
    with translation.override("en"):
        shown = {str(figure.label): figure.value for figure in panel.figures}
    assert shown["Pupils supported this school year"] not in (0, "0")
    assert all(isinstance(value, str) or value == 0 for value in shown.values())

    client = Client()
    client.force_login(user)
    query = default_query(user)
    assert query["area"] == MECHELEN
    response = client.get(reverse("reports:report"), query)
    assert response.status_code == 200
    report = response.context["report"]
    assert report.scope.municipality.pk == "12025"
    assert report.suppressed
    areas = [value for value, _label in response.context["form"].fields["area"].choices]
    assert areas == [MECHELEN]
    # The demo's duos in Mechelen met this school year: Mechelen's pupils are counted, and
    # published as a band; the page holds only what is published, never the exact count.
    pupils = report.table("participants").rows[0]
    assert isinstance(pupils.shown[-1], str) and pupils.shown[-1] not in ("0", "")
    assert pupils.values[-1] == pupils.shown[-1]
    # Gent (a programme works there) does not exist for the city of Mechelen; no duo either.
    gent = {**query, "area": "municipality:44021"}
    assert client.get(reverse("reports:report"), gent).status_code == 404
    assert client.get(reverse("reports:export", kwargs={"fmt": "xlsx"}), gent).status_code == 404
    assert client.get(reverse("reports:export", kwargs={"fmt": "pdf"}), query).status_code == 200
    assert client.get(reverse("trajectories:list")).status_code in (403, 404)
