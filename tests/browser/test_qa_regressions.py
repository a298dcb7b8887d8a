"""Regressions found by driving the demo as each role (QA, 2026-11-25). Every page is
scanned with axe-core (conftest)."""

import pytest
from playwright.sync_api import expect

from buddywerk.access.models import Role
from tests.browser.conftest import PHONE_VIEWPORT, has_horizontal_scroll
from tests.factories import TEST_TOTP_SECRET, UserFactory, member
from tests.trajectories.factories import TrajectoryFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_coordinator_on_a_phone_never_scrolls_sideways(new_journey, transactional_db):
    """At 375 px the report's period select, the kijkwijzer criteria table and a long
    e-mail address on the account's e-mail page made the whole page scroll sideways."""
    duo = TrajectoryFactory()
    coordinator = member(
        # A long address, as in the demo: it must wrap on the e-mail page.
        UserFactory(email="coordinator.mechelen@demo.buddywerk.be", first_name="Chris"),
        duo.programme,
        Role.PROGRAMME_COORDINATOR,
        is_lead=True,
    )
    journey = new_journey(viewport=PHONE_VIEWPORT)
    journey.login(coordinator, totp_secret=TEST_TOTP_SECRET)
    # Tables that scroll sideways inside their container must be reachable by keyboard
    # (axe: scrollable-region-focusable), which every visit checks.
    paths = ("/duos/followup/kijkwijzer/", "/accounts/email/", "/duos/", "/duos/followup/", "/")
    for path in (*paths, "/reports/", "/matching/"):
        journey.visit(path)
        assert not has_horizontal_scroll(journey.page), path
    expect(journey.page.locator("h1")).to_be_visible()
    journey.visit("/reports/")
    expect(journey.page.locator("#id_period")).to_be_visible()


def test_a_coordinator_opens_the_follow_up_from_the_navigation(journey, transactional_db):
    duo = TrajectoryFactory()
    coordinator = member(
        UserFactory(email="coordinator@example.org", first_name="Chris"),
        duo.programme,
        Role.PROGRAMME_COORDINATOR,
        is_lead=True,
    )
    journey.login(coordinator, totp_secret=TEST_TOTP_SECRET)
    journey.page.locator("nav").get_by_role("link", name="Opvolging", exact=True).click()
    journey.check()
    expect(journey.page.locator("h1")).to_have_text("Opvolging van de duo's")


def test_a_buddys_home_figures_fit_a_phone(new_journey, world):
    """The figure "Goedgekeurd" (screening approved) at 2rem pushed the buddy's home page
    sideways at 375 px."""
    journey = new_journey(viewport=PHONE_VIEWPORT)
    journey.login(world.users[Role.BUDDY])
    journey.visit("/")
    expect(journey.page.locator("main dl dd").nth(1)).to_have_text("Goedgekeurd")
    assert not has_horizontal_scroll(journey.page)
