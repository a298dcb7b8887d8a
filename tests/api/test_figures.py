"""Point 3 of issue 18: the funder's figures as open data (a province, as published:
bands of five) and a programme's report figures for those who may open its report. Both
answer exactly what the report page shows (reports.forms.report_as_seen)."""

import pytest
from django.test import Client
from django.urls import reverse

from buddywerk.access.models import Role
from buddywerk.api.models import ApiScope
from buddywerk.geo.models import Province
from buddywerk.organisations.models import OrganisationKind
from tests.api.helpers import api, token_for
from tests.factories import OrganisationFactory, UserFactory, member
from tests.reports.world import build

pytestmark = pytest.mark.django_db

QUERY = {"period": "interim", "school_year": "2025"}


@pytest.fixture
def world():
    return build()


def funder():
    return member(UserFactory(), OrganisationFactory(kind=OrganisationKind.FUNDER), Role.FUNDER)


def page_shown(client, user, area):
    client.force_login(user)
    report = client.get(reverse("reports:report"), {**QUERY, "area": area}).context["report"]
    return report, [[row.shown for row in table.rows] for table in report.tables]


def api_shown(body):
    return [[row["values"] for row in table["rows"]] for table in body["tables"]]


@pytest.mark.parametrize("area", ["all", "province:VAN"])
def test_open_figures_are_the_funders_page(world, area):
    response = Client().get("/api/v1/figures", {**QUERY, "area": area})
    assert response.status_code == 200, response.content
    body = response.json()
    report, shown = page_shown(Client(), funder(), area)
    assert report.suppressed and body["suppressed"]
    assert api_shown(body) == shown
    if area == "all":
        meetings = next(t for t in body["tables"] if t["key"] == "meetings")
        assert meetings["rows"][0]["values"][-1] == "5-9"  # 5 held: its band of five
    # No count is published exactly: every count is a band, "<5", "0" or "x".
    for table in body["tables"]:
        for row in table["rows"]:
            if row["kind"] == "count":
                assert all(isinstance(v, str) for v in row["values"]), row


def test_open_figures_refuse_a_programme_and_a_day_short_of_a_month(world):
    client = Client()
    response = client.get("/api/v1/figures", {**QUERY, "area": f"programme:{world.p1.pk}"})
    assert response.status_code == 422
    assert response["Content-Type"] == "application/problem+json"
    assert [e["field"] for e in response.json()["errors"]] == ["area"]
    response = client.get(
        "/api/v1/figures",
        {"area": "province:VAN", "period": "custom", "start": "2025-09-01", "end": "2025-09-29"},
    )
    assert response.status_code == 422
    assert "whole months" in response.json()["detail"] or response.json()["errors"]


def test_a_programme_coordinator_reads_their_programmes_exact_figures(world):
    user = member(UserFactory(), world.p1, Role.PROGRAMME_COORDINATOR)
    client = api(token_for(user, scopes=[ApiScope.REPORTS_READ])[1])
    response = client.get(f"/api/v1/programmes/{world.p1.uuid}/figures", QUERY)
    assert response.status_code == 200, response.content
    report, shown = page_shown(Client(), user, f"programme:{world.p1.pk}")
    assert not report.suppressed and not response.json()["suppressed"]
    assert api_shown(response.json()) == shown
    # Another programme's report is not theirs to open: 404, as if it did not exist.
    response = client.get(f"/api/v1/programmes/{world.p2.uuid}/figures", QUERY)
    assert response.status_code == 404


def test_the_funder_reads_a_programme_in_bands_and_a_region_only_its_province(world):
    response = api(token_for(funder(), scopes=[ApiScope.REPORTS_READ])[1]).get(
        f"/api/v1/programmes/{world.p1.uuid}/figures", QUERY
    )
    assert response.status_code == 200
    assert response.json()["suppressed"]
    region = OrganisationFactory(
        kind=OrganisationKind.REGION, province=Province.objects.get(code="VAN")
    )
    regional = member(UserFactory(), region, Role.REGIONAL_COORDINATOR)
    client = api(token_for(regional, scopes=[ApiScope.REPORTS_READ])[1])
    assert client.get(f"/api/v1/programmes/{world.p1.uuid}/figures", QUERY).status_code == 200
    assert client.get(f"/api/v1/programmes/{world.p2.uuid}/figures", QUERY).status_code == 404


def test_programme_figures_validate_the_period_and_need_the_scope(world):
    user = member(UserFactory(), world.p1, Role.PROGRAMME_COORDINATOR)
    client = api(token_for(user, scopes=[ApiScope.REPORTS_READ])[1])
    response = client.get(
        f"/api/v1/programmes/{world.p1.uuid}/figures", {"period": "custom", "start": "2025-09-01"}
    )
    assert response.status_code == 422
    assert response["Content-Type"] == "application/problem+json"
    other = api(token_for(user, scopes=[ApiScope.REFERRALS_READ])[1])
    assert other.get(f"/api/v1/programmes/{world.p1.uuid}/figures", QUERY).status_code == 403
