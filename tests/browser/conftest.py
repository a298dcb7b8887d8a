"""Shared helpers for the browser journeys: a small world with known figures, signing in
through the real allauth forms (with a TOTP code where the role needs 2FA), the language
switch and an axe-core scan of every page a journey visits.

Later journeys reuse these: request the `journey` fixture (a `Journey` on a fresh page,
pointed at the live server), call `journey.login(user)`, `journey.visit(path)`; every
page visited is scanned, and the journey fails on a server error, a JavaScript error or
a Content-Security-Policy violation.

The journeys run against pytest-django's `live_server`, so they use a transactional
database that is emptied after each test; tests/conftest.py reloads the reference
geography before each one.
"""

import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
from allauth.mfa import app_settings as mfa_settings
from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import BrowserContext, Page, expect

from buddywerk.access.models import Membership, Role, User
from buddywerk.buddies.models import ScreeningStatus
from buddywerk.geo.models import Municipality, Province
from buddywerk.organisations.models import City, OrganisationKind
from buddywerk.referrals.models import Pupil
from tests.factories import (
    TEST_PASSWORD,
    TEST_TOTP_SECRET,
    BuddyFactory,
    OrganisationFactory,
    ProgrammeFactory,
    PupilFactory,
    ReferralFactory,
    SchoolFactory,
    ServiceFactory,
    UserFactory,
    member,
)

# axe-core impacts that fail a journey (WCAG 2.1 AA, issue 2).
BLOCKING_IMPACTS = {"serious", "critical"}
AXE_OPTIONS = {
    "resultTypes": ["violations"],
    "runOnly": {
        "type": "tag",
        "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"],
    },
}
# A Flemish visitor: the interface starts in Dutch.
BROWSER_LOCALE = "nl-BE"
PHONE_VIEWPORT = {"width": 375, "height": 812}
# Generous: under xdist the workers share the cores with Chromium and WeasyPrint, and a
# loaded 2-core machine took over 15 s to serve a certificate PDF.
TIMEOUT_MS = 30_000
_axe = Axe()


# --- Fixtures -------------------------------------------------------------------------


@pytest.fixture(scope="session")
def base_url() -> None:
    """Journeys use live_server.url. This replaces pytest-playwright's fallback fixture, an
    instance method that pytest 9 deprecates (and warnings are errors here)."""
    return None


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args: dict[str, Any]) -> dict[str, Any]:
    return {
        **browser_context_args,
        "locale": BROWSER_LOCALE,
        "timezone_id": "Europe/Brussels",
    }


@pytest.fixture(scope="session")
def _live_server_settings() -> Iterator[None]:
    """Settings the live server needs when it starts, which is before any function-scoped
    fixture runs: whitenoise looks up static files through the finders (no collectstatic
    in tests) instead of warning about a missing STATIC_ROOT."""
    from django.test import override_settings

    with override_settings(WHITENOISE_AUTOREFRESH=True):
        yield


@pytest.fixture(scope="session")
def live_server(_live_server_settings: None, live_server: Any) -> Any:
    return live_server


@pytest.fixture
def mail_links_to_live_server(settings: Any, live_server: Any) -> None:
    """Links in mail are built on SITE_URL: point it at the live server, so a journey can
    follow a mailed link."""
    settings.SITE_URL = live_server.url


@pytest.fixture
def journey(page: Page, live_server: Any, mail_links_to_live_server: None) -> Iterator["Journey"]:
    trip = Journey(page, live_server.url)
    yield trip
    trip.assert_clean()


@pytest.fixture
def new_journey(
    new_context: Any, live_server: Any, mail_links_to_live_server: None
) -> Iterator[Any]:
    """A Journey in a browser context of its own:
    `new_journey(viewport=PHONE_VIEWPORT)`, `new_journey(java_script_enabled=False)`."""
    trips: list[Journey] = []

    def make(**context_args: Any) -> Journey:
        # browser_context_args (the locale) apply to these contexts too.
        context: BrowserContext = new_context(**context_args)
        trip = Journey(
            context.new_page(),
            live_server.url,
            scan=context_args.get("java_script_enabled", True),
        )
        trips.append(trip)
        return trip

    yield make
    for trip in trips:
        trip.assert_clean()


@pytest.fixture
def world(transactional_db: None) -> "World":
    return build_world()


# --- Helpers --------------------------------------------------------------------------


def totp_code(secret: str = TEST_TOTP_SECRET) -> str:
    """The current TOTP code for `secret`, as an authenticator app would show it. Waits
    for the next period when this one is about to end, so the code is still valid when
    the server checks it."""
    period = mfa_settings.TOTP_PERIOD
    # A loaded machine may take a few seconds from here to the server's check.
    if period - time.time() % period < 5:
        time.sleep(period - time.time() % period + 0.1)
    return format_hotp_value(hotp_value(secret, int(time.time()) // period))


def assert_accessible(page: Page) -> None:
    """Run axe-core on the page; fail on any serious or critical violation."""
    results = _axe.run(page, options=AXE_OPTIONS)
    blocking = [v for v in results.response["violations"] if v["impact"] in BLOCKING_IMPACTS]
    if blocking:
        lines = [f"axe-core found serious problems on {page.url}:"]
        for violation in blocking:
            targets = ", ".join(str(node["target"]) for node in violation["nodes"][:5])
            lines.append(
                f"- {violation['id']} ({violation['impact']}): {violation['help']} [{targets}]"
            )
        pytest.fail("\n".join(lines))


def figures(page: Page) -> dict[str, str]:
    """The home page's figures: label -> value, from every panel's definition list."""
    labels = page.locator("main dl dt").all_inner_texts()
    values = page.locator("main dl dd").all_inner_texts()
    assert len(labels) == len(values) and labels, f"no figures on {page.url}"
    return {label.strip(): value.strip() for label, value in zip(labels, values, strict=True)}


def has_horizontal_scroll(page: Page) -> bool:
    return page.evaluate(
        "document.documentElement.scrollWidth > document.documentElement.clientWidth"
    )


@dataclass
class Journey:
    """One visitor in one browser tab. Every page it reaches is checked with axe-core
    (unless JavaScript is off: axe runs in the page)."""

    page: Page
    base_url: str
    scan: bool = True
    scanned: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.page.set_default_timeout(TIMEOUT_MS)
        self.page.on("console", self._on_console)
        self.page.on("pageerror", lambda error: self.problems.append(f"JS error: {error}"))
        self.page.on("response", self._on_response)

    def _on_console(self, message: Any) -> None:
        # A refused script or style means the strict CSP broke part of the page.
        if message.type == "error" and (
            "Content Security Policy" in message.text or "Refused to" in message.text
        ):
            self.problems.append(f"CSP: {message.text}")

    def _on_response(self, response: Any) -> None:
        if response.status >= 500:
            self.problems.append(f"{response.status} on {response.url}")

    def url(self, path: str) -> str:
        return self.base_url + path

    def visit(self, path: str, *, status: int = 200) -> None:
        response = self.page.goto(self.url(path))
        assert response is not None and response.status == status, (
            f"GET {path}: {response.status if response else 'no response'}"
        )
        self.check()

    def check(self) -> None:
        """Check the page the journey is on (after a click or a form)."""
        # A click that navigates returns before the next page has loaded: scan that page,
        # not the one being torn down.
        self.page.wait_for_load_state()
        if self.scan:
            assert_accessible(self.page)
        self.scanned.append(self.page.url)

    def assert_clean(self) -> None:
        assert not self.problems, "\n".join(self.problems)

    # Signing in ------------------------------------------------------------------

    def login(
        self, user: User, *, password: str = TEST_PASSWORD, totp_secret: str | None = None
    ) -> None:
        """Sign in through allauth's form; enter the TOTP code when the account has one."""
        page = self.page
        self.visit("/accounts/login/")
        form = page.locator("form[action$='/accounts/login/']")
        form.locator("input[name=login]").fill(user.email)
        form.locator("input[name=password]").fill(password)
        form.locator("button[type=submit]").click()
        page.wait_for_load_state()
        if totp_secret is not None:
            expect(page).to_have_url(self.url("/accounts/2fa/authenticate/"))
            self.check()
            page.locator("input[name=code]").fill(totp_code(totp_secret))
            # The form's own button; "Cancel" submits a sign-out form elsewhere.
            form = page.locator("form[action$='/accounts/2fa/authenticate/']")
            form.locator("button[type=submit]:not([form])").click()
            page.wait_for_load_state()

    def session_cookie(self) -> dict[str, Any]:
        cookies = {c["name"]: c for c in self.page.context.cookies()}
        assert "sessionid" in cookies, f"no session cookie after sign-in: {sorted(cookies)}"
        return cookies["sessionid"]

    # Language --------------------------------------------------------------------

    def switch_language(self, code: str) -> None:
        """Use the language switch in the header; the page comes back in that language."""
        switch = self.page.locator("form[action$='/i18n/setlang/']").first
        switch.locator("select[name=language]").select_option(code)
        switch.locator("button[type=submit]").click()
        self.page.wait_for_load_state()
        expect(self.page.locator("html")).to_have_attribute("lang", code)
        self.check()


# --- The world ------------------------------------------------------------------------


@dataclass
class World:
    """One user per role, with figures that differ from one another, so a home page
    showing the wrong count fails."""

    users: dict[str, User]
    pupil: Pupil
    # role -> {English figure label: value shown}
    expected: dict[str, dict[str, str]]


def build_world() -> World:
    programme = ProgrammeFactory(name="Buddy Mechelen")
    school = SchoolFactory(name="Basisschool De Linde")
    SchoolFactory(name="Nieuwe school", confirmed_at=None)
    region = OrganisationFactory(
        name="Regio Antwerpen",
        kind=OrganisationKind.REGION,
        province=Province.objects.get(code="VAN"),
    )
    funder = OrganisationFactory(name="Fonds", kind=OrganisationKind.FUNDER)
    umbrella = OrganisationFactory(name="Buddywerk vzw", kind=OrganisationKind.UMBRELLA)

    pupils = [PupilFactory(school=school) for _ in range(3)]
    ReferralFactory(programme=programme, pupil=pupils[0])
    ReferralFactory(programme=programme, pupil=pupils[1])
    ReferralFactory(programme=programme, pupil=pupils[2], draft=True)

    buddy_user = UserFactory(email="buddy@example.org", first_name="Bram")
    BuddyFactory(user=buddy_user, programmes=[programme], capacity=2)
    BuddyFactory(programmes=[programme], status=ScreeningStatus.APPLIED, extract_seen_on=None)
    BuddyFactory(programmes=[programme], extract_seen_on=None)

    users = {
        Role.BUDDY: member(buddy_user, programme, Role.BUDDY),
        Role.SCHOOL_STAFF: member(
            UserFactory(email="staff@example.org"), school, Role.SCHOOL_STAFF, is_lead=True
        ),
        Role.PROGRAMME_COORDINATOR: member(
            UserFactory(email="coordinator@example.org"),
            programme,
            Role.PROGRAMME_COORDINATOR,
            is_lead=True,
        ),
        Role.REGIONAL_COORDINATOR: member(
            UserFactory(email="region@example.org"), region, Role.REGIONAL_COORDINATOR
        ),
        Role.FUNDER: member(UserFactory(email="funder@example.org"), funder, Role.FUNDER),
        # Issue 14, point 3: staff of the city of Mechelen.
        Role.CITY_STAFF: member(
            UserFactory(email="city@example.org"),
            City.objects.create(
                name="Stad Mechelen",
                kind=OrganisationKind.CITY,
                municipality=Municipality.objects.get(nis_code="12025"),
            ),
            Role.CITY_STAFF,
        ),
        Role.PLATFORM_ADMIN: member(
            UserFactory(email="admin@example.org", is_staff=True), umbrella, Role.PLATFORM_ADMIN
        ),
    }
    # Issue 20: the buddy studies at Thomas More and shares the internship file with it;
    # the institution's supervisor sees the buddy among their students.
    from buddywerk.internships import services as internship_services
    from tests.buddies.factories import institution as make_institution

    thomas_more = make_institution()
    users[Role.INTERNSHIP_SUPERVISOR] = member(
        UserFactory(email="supervisor@example.org"),
        thomas_more,
        Role.INTERNSHIP_SUPERVISOR,
        is_lead=True,
    )
    internship_services.sharing_consent_give(actor=buddy_user, institution=thomas_more)
    # Issue 20, point 3: the staff member of a welcome office (a service, not a school).
    users[Role.SERVICE_STAFF] = member(
        UserFactory(email="service@example.org"),
        ServiceFactory(name="Onthaalbureau Mechelen"),
        Role.SERVICE_STAFF,
        is_lead=True,
    )
    expected = {
        Role.BUDDY: {"Programmes": "1", "Screening": "Approved", "Participants I can take": "2"},
        Role.SCHOOL_STAFF: {
            "Pupils": "3",
            "Referrals waiting for a buddy": "2",
            "Pupils with a buddy": "0",
            "Draft referrals": "1",
        },
        Role.PROGRAMME_COORDINATOR: {
            "Referrals in the queue": "2",
            "Buddies to screen": "1",
            "Approved buddies": "2",
            "Approved buddies without extract": "1",
        },
        Role.REGIONAL_COORDINATOR: {"Programmes": "1", "Schools": "2", "Approved buddies": "2"},
        # Small cells are suppressed for the funder.
        Role.FUNDER: {
            "Programmes": "<5",
            "Available buddies": "<5",
            "Schools and services that referred": "<5",
        },
        # City staff: Mechelen's figures this school year, in bands (no duo here yet).
        Role.CITY_STAFF: {
            "Pupils supported this school year": "0",
            "Families supported this school year": "0",
            "Meetings held this school year": "0",
        },
        # Three buddies and nine role holders (the service's staff member included).
        Role.PLATFORM_ADMIN: {"Users": "11", "Programmes": "1", "Schools to confirm": "1"},
        # The supervisor's own page is the list of students (see test_role_journey).
        Role.INTERNSHIP_SUPERVISOR: {},
        # The service has referred no family yet.
        Role.SERVICE_STAFF: {
            "Families referred": "0",
            "Referrals waiting for a buddy": "0",
            "Families with a buddy": "0",
            "Draft referrals": "0",
        },
    }
    return World(users=users, pupil=pupils[0], expected=expected)


def user_without_totp(world: World) -> User:
    """A second programme coordinator who has not set up 2FA yet."""
    coordinator = world.users[Role.PROGRAMME_COORDINATOR]
    programme = Membership.objects.get(user=coordinator).organisation
    user = UserFactory(email="new-coordinator@example.org", first_name="Nora")
    Membership.objects.create(user=user, organisation=programme, role=Role.PROGRAMME_COORDINATOR)
    return user
