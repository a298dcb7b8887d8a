"""Issue 16, point 8: phone first. Every page each role can reach fits a 375 px screen
(no sideways scrolling), and the main menu folds away behind a button that works without
JavaScript and by keyboard.

The pages are the access matrix's own GET rows (tests/access/matrix/*.py) that answer 200
for the role, with the objects of the matrix's world (tests/access/world.py), so a new
route is visited at 375 px as soon as it has its row.
"""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from buddywerk.access.models import ROLES_REQUIRING_MFA, Role
from tests.access.matrix import all_rows
from tests.access.world import ANONYMOUS, build_world
from tests.factories import TEST_TOTP_SECRET

from .conftest import PHONE_VIEWPORT

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE_WIDTH = PHONE_VIEWPORT["width"]


def _pages(world, role: str) -> list[str]:
    """Every GET path of the matrix that answers this role with a page (200)."""
    routes, _exempt = all_rows()
    paths = []
    for route in routes:
        if route.method != "get" or route.expect[role] != 200 or route.data:
            continue
        if route.name.startswith("api-v1:"):
            continue  # the machine API (JSON, and ninja's own docs page), not our pages
        path = reverse(route.name, kwargs=route.args(world) if route.args else None)
        if path not in paths:
            paths.append(path)
    return paths


@pytest.mark.parametrize("role", [ANONYMOUS, *[role.value for role in Role]])
def test_no_page_scrolls_sideways_at_375_px(new_journey, transactional_db, role):
    world = build_world()
    journey = new_journey(viewport=PHONE_VIEWPORT)
    user = world.users[role]
    if user is not None:
        journey.login(user, totp_secret=TEST_TOTP_SECRET if role in ROLES_REQUIRING_MFA else None)
    page = journey.page
    offenders, visited = [], 0
    for path in _pages(world, role):
        # Ask first (with the page's cookies): a download (CSV, PDF, calendar) has nothing
        # to lay out, and Chromium would not open it as a page.
        asked = page.request.get(journey.url(path))
        assert asked.status == 200, f"GET {path} as {role}: {asked.status}"
        if not asked.headers.get("content-type", "").startswith("text/html"):
            continue
        page.goto(journey.url(path))
        visited += 1
        width = page.evaluate("document.documentElement.scrollWidth")
        if width > PHONE_WIDTH:
            wide = page.evaluate(
                """(limit) => [...document.querySelectorAll('body *')]
                    .filter(e => e.getBoundingClientRect().right > limit + 0.5)
                    .filter(e => !e.closest('.bw-scroll'))
                    .slice(-3).map(e => e.tagName.toLowerCase() + (e.className ? '.' +
                        String(e.className).trim().split(/\\s+/).join('.') : ''))""",
                PHONE_WIDTH,
            )
            offenders.append(f"{path}: {width}px ({', '.join(wide)})")
    assert visited, f"no page visited as {role}"
    assert not offenders, f"pages wider than {PHONE_WIDTH}px as {role}:\n" + "\n".join(offenders)


def _coordinators() -> tuple:
    """Two programme coordinators (a TOTP code signs in only once)."""
    world = build_world()
    return world.users[Role.PROGRAMME_COORDINATOR], world.users["coordinator_other_programme"]


def test_the_menu_folds_behind_a_button_without_javascript(new_journey, transactional_db):
    """At 375 px the menu is closed behind a "Menu" button; it opens without JavaScript."""
    coordinator, _other = _coordinators()
    journey = new_journey(viewport=PHONE_VIEWPORT, java_script_enabled=False)
    journey.login(coordinator, totp_secret=TEST_TOTP_SECRET)
    page = journey.page
    journey.visit("/")
    menu_link = page.locator("header nav").get_by_role("link", name="Opvolging", exact=True)
    expect(menu_link).to_be_hidden()
    page.locator("header summary", has_text="Menu").click()
    expect(menu_link).to_be_visible()
    menu_link.click()
    expect(page.locator("h1")).to_have_text("Opvolging van de duo's")


def test_the_menu_opens_by_keyboard_and_is_open_on_a_wide_screen(new_journey, transactional_db):
    coordinator, other = _coordinators()
    phone = new_journey(viewport=PHONE_VIEWPORT)
    phone.login(coordinator, totp_secret=TEST_TOTP_SECRET)
    phone.visit("/")  # axe-core scans the page with the menu closed
    page = phone.page
    summary = page.locator("header summary", has_text="Menu")
    summary.focus()
    page.keyboard.press("Enter")
    link = page.locator("header nav").get_by_role("link", name="Opvolging", exact=True)
    expect(link).to_be_visible()
    phone.check()  # and open
    page.keyboard.press("Enter")
    expect(link).to_be_hidden()

    laptop = new_journey(viewport={"width": 1280, "height": 800})
    laptop.login(other, totp_secret=TEST_TOTP_SECRET)
    laptop.visit("/")
    expect(laptop.page.locator("header summary", has_text="Menu")).to_be_hidden()
    expect(
        laptop.page.locator("header nav").get_by_role("link", name="Opvolging", exact=True)
    ).to_be_visible()
