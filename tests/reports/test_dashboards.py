"""Home-page dashboards: the right figures, SVG charts with their tables, and a number of
queries that does not grow with the data."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from buddywerk.access import policy
from buddywerk.access.models import Role
from buddywerk.geo.models import Province
from buddywerk.organisations.models import OrganisationKind
from buddywerk.reports import dashboards
from buddywerk.trajectories.concern_services import concern_acknowledge, concern_raise
from buddywerk.trajectories.enums import MeetingStatus
from buddywerk.trajectories.models import Concern, Meeting
from buddywerk.trajectories.selectors import open_concerns_for
from tests.factories import OrganisationFactory, UserFactory, member
from tests.reports.world import build

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


def figures(panel):
    return {str(f.label): f.value for f in panel.figures}


def people(world):
    region = OrganisationFactory(
        kind=OrganisationKind.REGION, province=Province.objects.get(code="VAN")
    )
    funder = OrganisationFactory(kind=OrganisationKind.FUNDER)
    return {
        Role.PROGRAMME_COORDINATOR: member(UserFactory(), world.p1, Role.PROGRAMME_COORDINATOR),
        Role.SCHOOL_STAFF: member(UserFactory(), world.objects["p1"].school, Role.SCHOOL_STAFF),
        Role.REGIONAL_COORDINATOR: member(UserFactory(), region, Role.REGIONAL_COORDINATOR),
        Role.FUNDER: member(UserFactory(), funder, Role.FUNDER),
    }


def test_coordinator_panel_counts_queue_duos_and_meetings_per_week():
    world = build()
    duo = world.objects["t1"]
    today = timezone.localdate()
    Meeting.objects.create(trajectory=duo, date=today, status=MeetingStatus.HAPPENED)
    user = people(world)[Role.PROGRAMME_COORDINATOR]
    panel = dashboards.coordinator_panel(user)
    shown = figures(panel)
    assert shown["Referrals in the queue"] == 1  # r8 on the waiting list
    assert shown["Active duos"] == 1  # t1; t2 is closed
    assert shown["Longest wait in the queue (days)"] == (today - dt.date(2025, 5, 1)).days
    weeks = panel.tables[0]
    assert len(weeks.rows) == dashboards.WEEKS
    assert weeks.rows[-1][1] == 1
    assert 'role="img"' in weeks.chart


def test_coordinator_panel_counts_open_concerns_like_the_concerns_panel():
    world = build()
    duo = world.objects["t1"]
    user = people(world)[Role.PROGRAMME_COORDINATOR]
    raised = [
        concern_raise(actor=duo.buddy.user, trajectory=duo, urgency=urgency, text="Zorg.")
        for urgency in ("urgent", "urgent", "attention", "info")
    ]
    concern_acknowledge(actor=user, concern=raised[0], note="Gebeld met de school.")
    other = build()  # another programme's urgent concern is not counted
    concern_raise(
        actor=other.objects["t1"].buddy.user,
        trajectory=other.objects["t1"],
        urgency="urgent",
        text="Elders.",
    )
    shown = figures(dashboards.coordinator_panel(user))
    assert shown["Open concerns"] == 3 == open_concerns_for(user).count()
    assert shown["Urgent open concerns"] == 1
    # One aggregate query, whatever the number of concerns.
    with CaptureQueriesContext(connection) as few:
        dashboards.coordinator_panel(user)
    for _i in range(5):
        concern_raise(actor=duo.buddy.user, trajectory=duo, urgency="urgent", text="Meer.")
    with CaptureQueriesContext(connection) as many:
        assert figures(dashboards.coordinator_panel(user))["Urgent open concerns"] == 6
    assert len(many) == len(few)


def test_school_panel_shows_referrals_by_status():
    world = build()
    user = people(world)[Role.SCHOOL_STAFF]
    panel = dashboards.school_panel(user)
    by_status = {str(row[0]): row[1] for row in panel.tables[0].rows}
    assert by_status["Matched"] == 3  # r1, r2, r3 of School Mechelen
    assert by_status["On the waiting list"] == 1


def test_regional_panel_shows_supply_and_demand_per_municipality():
    world = build()
    user = people(world)[Role.REGIONAL_COORDINATOR]
    panel = dashboards.regional_panel(user)
    supply = {row[0]: row[1:] for row in panel.tables[1].rows}
    # Buddies live in Mechelen (postcode 2800); the waiting referral r8 is of a Mechelen school.
    assert supply["Mechelen"][1] == 1
    assert supply["Mechelen"][0] >= 1


def test_funder_panel_is_suppressed_and_links_to_the_report():
    world = build()
    panel = dashboards.funder_panel(people(world)[Role.FUNDER])
    assert figures(panel)["Programmes"] == "<5"
    assert panel.link[0] == reverse("reports:report")


def test_funder_panel_shows_counts_in_bands_of_five():
    """Issue 14, point 2: the school year up to today changes daily, so the funder's panel
    publishes bands, never an exact count that two days in a row could difference."""
    assert [dashboards.suppress(v) for v in (0, 3, 5, 9, 10, 1234)] == [
        0,
        "<5",
        "5-9",
        "5-9",
        "10-14",
        "1.230-1.234",
    ]


def test_no_query_per_row():
    world = build()
    users = people(world)
    counts = {}
    for role, user in users.items():
        with CaptureQueriesContext(connection) as queries:
            dashboards.panels_for(user)
        counts[role] = len(queries)
    build()  # twice the data
    for role, user in users.items():
        policy.forget_memberships(user)
        if hasattr(user, "_buddywerk_region_provinces"):
            del user._buddywerk_region_provinces
        with CaptureQueriesContext(connection) as queries:
            dashboards.panels_for(user)
        assert len(queries) == counts[role], role
        assert len(queries) <= 12


def test_home_page_renders_charts_and_tables(client):
    world = build()
    user = people(world)[Role.PROGRAMME_COORDINATOR]
    client.force_login(user)
    html = client.get(reverse("home")).content.decode()
    assert "<svg" in html
    assert "<caption>" in html


def _more(page: str, section: str) -> str:
    """The "and N more" line of a concerns panel of the home page."""
    part = page.split(f'aria-labelledby="{section}"')[1].split("</section>")[0]
    return part.split("</ul>")[1].strip().split("</p>")[0]


def test_home_shows_ten_concerns_and_counts_the_rest_with_one_read(client):
    """Issue 17 point 4: the figures, the to-do item and the open-concerns panel read the
    open concerns once; the panels list ten and say how many more there are."""
    world = build()
    duo = world.objects["t1"]
    user = people(world)[Role.PROGRAMME_COORDINATOR]
    raised = [
        concern_raise(actor=duo.buddy.user, trajectory=duo, urgency=urgency, text="Zorg.")
        for urgency in ["urgent"] * 3 + ["info"] * 9
    ]
    # Every concern raised 40 days ago: the lead's stale panel lists them too.
    Concern.objects.filter(pk__in=[c.pk for c in raised]).update(
        raised_at=timezone.now() - dt.timedelta(days=40)
    )
    client.force_login(user)
    with CaptureQueriesContext(connection) as queries:
        page = client.get(reverse("home")).content.decode()
    reads = [q for q in queries if 'FROM "trajectories_concern"' in q["sql"]]
    assert len(reads) == 2  # the open concerns once; the stale ones
    assert page.count("text-bg-danger") == 3
    assert _more(page, "panel-open-concerns") in ("<p>And 2 more.", "<p>En nog 2.")
    assert _more(page, "panel-stale-concerns") in ("<p>And 2 more.", "<p>En nog 2.")
    stale = page.split('data-testid="stale-concerns"')[1].split("</ul>")[0]
    assert stale.count("<li") == 10
    with translation.override("en"):
        shown = figures(dashboards.coordinator_panel(user))
    assert (shown["Open concerns"], shown["Urgent open concerns"]) == (12, 3)
    assert open_concerns_for(user).count() == 12
    todo = page.split('data-testid="todo"')[1].split("</section>")[0]
    assert f'href="{reverse("home")}#panel-open-concerns"' in todo
    assert "12" in todo
