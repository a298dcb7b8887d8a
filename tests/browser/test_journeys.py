"""Journeys in real Chromium: one per role, a phone, no JavaScript, first-time 2FA set-up.

Every page a journey visits is scanned with axe-core (no serious or critical violation).
"""

import pytest
from playwright.sync_api import expect

from buddywerk.access.models import ROLES_REQUIRING_MFA, Role
from tests.factories import TEST_TOTP_SECRET

from .conftest import (
    PHONE_VIEWPORT,
    figures,
    has_horizontal_scroll,
    totp_code,
    user_without_totp,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("role", [role.value for role in Role])
def test_role_journey(journey, world, role):
    """Sign in (with 2FA where the role needs it), see the role's own figures on the home
    page, switch to English and back to Dutch."""
    user = world.users[role]
    journey.login(user, totp_secret=TEST_TOTP_SECRET if role in ROLES_REQUIRING_MFA else None)
    page = journey.page

    expect(page).to_have_url(journey.url("/"))
    expect(page.locator("html")).to_have_attribute("lang", "nl-be")
    journey.check()
    # Chromium keeps the Secure session cookie on http://localhost (a secure context).
    assert journey.session_cookie()["secure"] is True
    assert journey.session_cookie()["httpOnly"] is True

    journey.switch_language("en")
    # The internship supervisor's home page has no figures: their page is the students list.
    has_figures = bool(world.expected[role])
    shown = figures(page) if has_figures else {}
    for label, value in world.expected[role].items():
        assert shown.get(label) == value, f"{role}: {label!r} shows {shown.get(label)!r}"
    heading = page.get_by_role("heading", level=1)
    expect(heading).to_have_count(1)
    expect(heading).to_contain_text("Welcome")

    journey.switch_language("nl-be")
    expect(heading).not_to_contain_text("Welcome")  # the interface speaks Dutch again
    if has_figures:
        assert len(figures(page)) == len(shown)  # the same panels, now in Dutch
    if role == Role.INTERNSHIP_SUPERVISOR:
        # The supervisor's students: the buddy who shares the internship file.
        journey.visit("/internships/students/")
        expect(page.get_by_role("heading", level=1)).to_have_text("Mijn studenten")
        student = world.users[Role.BUDDY]
        expect(page.get_by_role("table")).to_contain_text(student.get_full_name())
    assert len(journey.scanned) >= 4


def test_journey_on_a_phone(new_journey, world):
    """At 375 px the home page and the pupil pages fit the screen: no sideways scrolling."""
    journey = new_journey(viewport=PHONE_VIEWPORT)
    journey.login(world.users[Role.SCHOOL_STAFF], totp_secret=TEST_TOTP_SECRET)
    expect(journey.page).to_have_url(journey.url("/"))
    journey.check()
    assert not has_horizontal_scroll(journey.page), "home page scrolls sideways at 375 px"

    journey.visit("/pupils/")
    assert not has_horizontal_scroll(journey.page), "pupil list scrolls sideways at 375 px"

    journey.visit(f"/pupils/{world.pupil.uuid}/")
    expect(journey.page.get_by_role("heading", level=1)).to_contain_text(world.pupil.first_name)
    assert not has_horizontal_scroll(journey.page), "pupil page scrolls sideways at 375 px"


def test_sign_in_without_javascript(new_journey, world):
    """Signing in, 2FA included, and the language switch are plain forms."""
    journey = new_journey(java_script_enabled=False)
    journey.login(world.users[Role.PROGRAMME_COORDINATOR], totp_secret=TEST_TOTP_SECRET)
    expect(journey.page).to_have_url(journey.url("/"))
    expect(journey.page.locator("main dl dd").first).to_be_visible()
    journey.switch_language("en")
    expect(journey.page.get_by_text("Referrals in the queue")).to_be_visible()


def test_first_time_two_factor_set_up(journey, world):
    """A coordinator without 2FA is sent to set it up before anything else, reads the
    secret off the page (as an authenticator app would from the QR code), enters the
    code and then reaches the home page."""
    user = user_without_totp(world)
    journey.login(user)
    page = journey.page
    expect(page).to_have_url(journey.url("/accounts/2fa/totp/activate/?required=1"))
    journey.check()

    # Personal data stays out of reach until 2FA is on.
    page.goto(journey.url(f"/pupils/{world.pupil.uuid}/"))
    expect(page).to_have_url(journey.url("/accounts/2fa/totp/activate/?required=1"))

    secret = page.locator("#authenticator_secret").input_value()
    assert len(secret) >= 16
    form = page.locator("form[action$='/accounts/2fa/totp/activate/']")
    form.locator("input[name=code]").fill(totp_code(secret))
    form.locator("button[type=submit]").click()
    page.wait_for_load_state()
    # Straight on to the recovery codes to keep (or home): no second password prompt for
    # a factor set up moments after signing in.
    assert "/reauthenticate/" not in page.url, f"asked to sign in again: {page.url}"
    assert page.url.startswith(journey.url("/accounts/2fa/recovery-codes/")) or page.url == (
        journey.url("/")
    ), page.url
    journey.check()

    journey.visit("/")
    expect(page.locator("main h1")).to_contain_text("Nora")
    assert figures(page)
    assert user.authenticator_set.filter(type="totp").exists()


def test_platform_admin_reaches_the_admin_behind_two_factor(journey, world):
    """The Django admin is for platform admins, after their second factor."""
    journey.login(world.users[Role.PLATFORM_ADMIN], totp_secret=TEST_TOTP_SECRET)
    expect(journey.page).to_have_url(journey.url("/"))
    journey.page.locator("header nav a[href='/admin/']").click()
    journey.page.wait_for_load_state()
    expect(journey.page).to_have_url(journey.url("/admin/"))
    journey.check()
