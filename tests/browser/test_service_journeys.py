"""Journeys in real Chromium (issue 20, point 3): a regional coordinator (or a platform
admin) registers a service and invites its staff; the staff member chooses a password from
the invitation mail, sets up two-factor authentication, and finds their service under
"Mijn dienst". At 1280 px and at 375 px (no page scrolls sideways on a phone); every page
visited is scanned with axe-core (conftest)."""

import re

import pytest
from django.core import mail
from playwright.sync_api import expect

from buddywerk.access.models import Membership, Role
from buddywerk.geo.models import Province
from buddywerk.organisations.models import OrganisationKind, Service
from tests.factories import TEST_TOTP_SECRET, OrganisationFactory, UserFactory, member

from .conftest import PHONE_VIEWPORT, has_horizontal_scroll, totp_code

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

DESKTOP = {"width": 1280, "height": 900}
NEW_PASSWORD = "Onthaal-wachtwoord-2026"


def _registrant(who: str):
    if who == "regional_coordinator":
        region = OrganisationFactory(
            name="Regio Antwerpen",
            kind=OrganisationKind.REGION,
            province=Province.objects.get(code="VAN"),
        )
        return member(UserFactory(email="regio@example.org"), region, Role.REGIONAL_COORDINATOR)
    umbrella = OrganisationFactory(name="Buddywerk vzw", kind=OrganisationKind.UMBRELLA)
    return member(
        UserFactory(email="admin@example.org", is_staff=True), umbrella, Role.PLATFORM_ADMIN
    )


def _no_sideways_scroll(journey, where: str, phone: bool) -> None:
    if phone:
        assert not has_horizontal_scroll(journey.page), f"{where} scrolls sideways at 375 px"


@pytest.mark.parametrize(
    ("who", "viewport"),
    [("regional_coordinator", DESKTOP), ("platform_admin", PHONE_VIEWPORT)],
    ids=["regional-coordinator-1280", "platform-admin-375"],
)
def test_a_service_is_registered_and_its_staff_member_gets_in(
    new_journey, transactional_db, who, viewport
):
    phone = viewport == PHONE_VIEWPORT
    registrant = _registrant(who)

    # The registrant registers the service through the menu's "Diensten".
    office = new_journey(viewport=viewport)
    office.login(registrant, totp_secret=TEST_TOTP_SECRET)
    page = office.page
    office.visit("/services/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Diensten")
    _no_sideways_scroll(office, "the services list", phone)
    page.get_by_role("link", name="Een dienst registreren").click()
    office.check()
    # Sent empty first: the form says what is missing, nothing is stored.
    page.get_by_role("button", name="De dienst registreren").click()
    office.check()
    expect(page.locator("main")).to_contain_text("Dit veld is verplicht")
    assert not Service.objects.exists()
    page.get_by_label("Naam van de dienst").fill("Onthaalbureau Mechelen")
    page.get_by_label("Soort dienst").select_option("welcome_office")
    page.get_by_label("Gemeente").select_option("12025")
    page.get_by_label("Arabisch", exact=True).check()
    _no_sideways_scroll(office, "the service form", phone)
    page.get_by_role("button", name="De dienst registreren").click()
    office.check()
    service = Service.objects.get(name="Onthaalbureau Mechelen")
    expect(page).to_have_url(office.url(f"/services/{service.uuid}/"))
    expect(page.locator("main")).to_contain_text("Onthaalbureau")
    _no_sideways_scroll(office, "the service page", phone)

    # ... and invites a staff member.
    page.get_by_label("E-mailadres").fill("olga@example.org")
    page.get_by_label("Voornaam").fill("Olga")
    page.get_by_label("Contactpersoon van de dienst").check()
    page.get_by_role("button", name="Stuur de uitnodiging").click()
    office.check()
    expect(page.locator("main table")).to_contain_text("olga@example.org")
    membership = Membership.objects.get(user__email="olga@example.org")
    assert membership.role == Role.SERVICE_STAFF and membership.organisation_id == service.pk
    (invitation,) = [m for m in mail.outbox if m.to == ["olga@example.org"]]
    link = re.search(r"https?://\S+/accounts/password/reset/key/\S+", invitation.body)
    assert link, invitation.body

    # The staff member accepts: a password from the mailed link, then 2FA (their role
    # reads families' personal data), then their service's page.
    staff = new_journey(viewport=viewport)
    spage = staff.page
    spage.goto(link.group(0))
    staff.check()
    spage.locator("input[name=password1]").fill(NEW_PASSWORD)
    spage.locator("input[name=password2]").fill(NEW_PASSWORD)
    spage.locator("main form button[type=submit]").first.click()
    staff.check()
    staff.login(membership.user, password=NEW_PASSWORD)
    expect(spage).to_have_url(staff.url("/accounts/2fa/totp/activate/?required=1"))
    staff.check()
    secret = spage.locator("#authenticator_secret").input_value()
    form = spage.locator("form[action$='/accounts/2fa/totp/activate/']")
    form.locator("input[name=code]").fill(totp_code(secret))
    form.locator("button[type=submit]").click()
    staff.check()

    staff.visit("/")
    expect(spage.locator("main")).to_contain_text("Mijn dienst")
    _no_sideways_scroll(staff, "the home page", phone)
    if phone:
        # The menu folds away on a phone: the home page's panel links to the service.
        spage.get_by_role("link", name="De pagina van mijn dienst openen").click()
    else:
        spage.locator("nav").get_by_role("link", name="Mijn dienst", exact=True).click()
    staff.check()
    expect(spage).to_have_url(staff.url("/services/mine/"))
    main = spage.locator("main")
    expect(main).to_contain_text("Onthaalbureau Mechelen")
    expect(main).to_contain_text("Arabisch")
    expect(spage.get_by_role("link", name="Aanmeldingen van onze gezinnen")).to_be_visible()
    expect(spage.get_by_role("link", name="Een gezin aanmelden")).to_be_visible()
    _no_sideways_scroll(staff, "my service's page", phone)
    # A service's staff are not a school's: no pupils, no other service's pages.
    staff.visit("/pupils/", status=403)
    staff.visit(f"/services/{service.uuid}/", status=403)
