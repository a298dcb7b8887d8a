"""Journey in real Chromium (issue 19): the regional coordinator of Antwerpen opens the
coverage map, follows Mechelen to its figures with the keyboard, at 1280 px and at 375 px.
Every page visited is scanned with axe-core (conftest)."""

import pytest
from playwright.sync_api import expect

from buddywerk.access.models import Role
from buddywerk.organisations.models import OrganisationKind
from tests.browser.conftest import PHONE_VIEWPORT, has_horizontal_scroll
from tests.coverage.world import build
from tests.factories import TEST_TOTP_SECRET, OrganisationFactory, UserFactory, member

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

DESKTOP = {"width": 1280, "height": 900}


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE_VIEWPORT], ids=["1280px", "375px"])
def test_regional_coordinator_follows_a_municipality_by_keyboard(
    new_journey, transactional_db, viewport
):
    build()
    region = OrganisationFactory(
        name="Regio Antwerpen", kind=OrganisationKind.REGION, province_id="VAN"
    )
    user = member(UserFactory(email="regio@example.org"), region, Role.REGIONAL_COORDINATOR)
    journey = new_journey(viewport=viewport)
    journey.login(user, totp_secret=TEST_TOTP_SECRET)
    page = journey.page
    journey.visit("/coverage/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Dekkingskaart")
    mechelen = page.locator('#coverage-map a[href^="/coverage/12025/"]')
    expect(mechelen).to_have_count(1)
    # Reached with the keyboard: the link takes focus and Enter follows it.
    mechelen.focus()
    assert page.evaluate("document.activeElement.getAttribute('href')").startswith(
        "/coverage/12025/"
    )
    with page.expect_navigation():
        page.keyboard.press("Enter")
    page.wait_for_load_state()
    expect(page).to_have_url(journey.url("/coverage/12025/"))
    journey.check()
    expect(page.get_by_role("heading", level=1)).to_have_text("Mechelen")
    expect(page.locator("dl")).to_contain_text("Wachtende aanmeldingen")
    assert not has_horizontal_scroll(page)
    # Another measure from the map page, then the same figures in the table.
    journey.visit("/coverage/?measure=free_places")
    row = page.locator("#coverage-table tr", has=page.get_by_role("link", name="Mechelen"))
    expect(row).to_contain_text("3")
    assert not has_horizontal_scroll(page)
