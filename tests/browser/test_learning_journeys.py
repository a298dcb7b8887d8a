"""Journeys in real Chromium for learning and the network: a buddy lands on the waiting
list of a full intervision and moves up when someone cancels; a visitor searches the
practice database in Dutch and filters by province; someone sends a practice and the
regional coordinator publishes it. Every page visited is scanned with axe-core (conftest).
"""

import pytest
from playwright.sync_api import expect

from buddywerk.access.models import Role
from buddywerk.geo.models import Province
from buddywerk.learning.models import Registration
from buddywerk.network.models import Practice, PracticeSubmission
from buddywerk.organisations.models import OrganisationKind
from tests.factories import (
    TEST_TOTP_SECRET,
    BuddyFactory,
    OrganisationFactory,
    ProgrammeFactory,
    UserFactory,
    member,
)
from tests.learning.factories import EventFactory
from tests.network.factories import (
    PracticeFactory,
    category,
    ensure_vocabularies,
    municipality,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_buddy_waits_for_a_full_intervision_and_moves_up(journey, new_journey, transactional_db):
    programme = ProgrammeFactory(name="Buddy Mechelen")
    first = member(
        BuddyFactory(programmes=[programme], user=UserFactory(email="eerste@example.org")).user,
        programme,
        Role.BUDDY,
    )
    second = member(
        BuddyFactory(programmes=[programme], user=UserFactory(email="tweede@example.org")).user,
        programme,
        Role.BUDDY,
    )
    event = EventFactory(title="Intervisie: een warme band", capacity=1)
    Registration.objects.create(event=event, user=first, buddy=first.buddy)

    journey.login(second)
    journey.visit("/learning/events/")
    journey.page.get_by_role("link", name="Intervisie: een warme band").click()
    journey.check()
    journey.page.get_by_role("button", name="Zet me op de wachtlijst").click()
    journey.check()
    expect(journey.page.locator(".bw-status")).to_have_attribute("data-status", "waiting")
    expect(journey.page.locator(".bw-status")).to_contain_text("nummer 1")

    other = new_journey()
    other.login(first)
    other.visit(f"/learning/events/{event.uuid}/")
    other.page.get_by_role("button", name="Mijn inschrijving annuleren").click()
    other.check()

    journey.page.reload()
    journey.check()
    expect(journey.page.locator(".bw-status")).to_have_attribute("data-status", "registered")
    assert Registration.objects.get(buddy=second.buddy).status == "registered"


def test_visitor_searches_in_dutch_and_filters_by_province(journey, transactional_db):
    ensure_vocabularies()
    PracticeFactory(
        title="Tandem: een buddy voor nieuwe gezinnen",
        places=[municipality("44021")],
        categories=[category("gezinsbuddy")],
    )
    PracticeFactory(
        title="Huiswerkbrug",
        summary="Een vrijwilliger helpt een gezin thuis met het huiswerk van de kinderen.",
        places=[municipality("24107")],
        categories=[category("huiswerkbegeleiding")],
    )
    PracticeFactory(
        title="Tutoraat Antwerpen",
        summary="Studenten helpen scholieren met wiskunde en Frans.",
        places=[municipality("11002")],
        categories=[category("tutoraat")],
    )
    journey.visit("/network/practices/")
    page = journey.page
    page.get_by_label("Zoekwoorden").fill("gezinnen")
    page.get_by_role("button", name="Zoeken").click()
    journey.check()
    results = page.locator("#results")
    expect(
        results.get_by_role("link", name="Tandem: een buddy voor nieuwe gezinnen")
    ).to_be_visible()
    expect(results.get_by_role("link", name="Huiswerkbrug")).to_be_visible()
    expect(results.get_by_role("link", name="Tutoraat Antwerpen")).to_have_count(0)

    page.get_by_label("Oost-Vlaanderen (1)").check()
    page.get_by_role("button", name="Zoeken").click()
    journey.check()
    assert "province=VOV" in page.url and "q=gezinnen" in page.url
    expect(
        results.get_by_role("link", name="Tandem: een buddy voor nieuwe gezinnen")
    ).to_be_visible()
    expect(results.get_by_role("link", name="Huiswerkbrug")).to_have_count(0)
    # The URL is the search: opened anew, it shows the same results.
    journey.visit(page.url.removeprefix(journey.base_url))
    expect(page.locator("#results h2")).to_contain_text("1 praktijk")


def test_a_practice_is_sent_and_the_regional_coordinator_publishes_it(
    journey, new_journey, transactional_db
):
    ensure_vocabularies()
    region = OrganisationFactory(
        name="Regio Antwerpen",
        kind=OrganisationKind.REGION,
        province=Province.objects.get(code="VAN"),
    )
    coordinator = member(UserFactory(email="regio@example.org"), region, Role.REGIONAL_COORDINATOR)

    journey.visit("/network/practices/new/")
    page = journey.page
    page.get_by_label("Titel").fill("Leesbuddy's in de bib van Lier")
    page.get_by_label("Organisatie").fill("Bibliotheek Lier")
    page.get_by_label("Samenvatting").fill("Vrijwilligers lezen elke week voor met kinderen.")
    page.get_by_label("Doelen").fill("Leesplezier\nNederlands oefenen")
    page.get_by_label("Doelgroep in woorden").fill("Kinderen van 6 tot 12 jaar")
    page.get_by_label("Plaatsen").select_option(label="Lier")
    page.get_by_label("Taalbeleid").first.check()
    page.get_by_label("Je naam").fill("Lien Lezer")
    page.get_by_label("Je e-mailadres").fill("lien@example.org")
    page.get_by_role("button", name="Versturen").click()
    journey.check()
    expect(page.get_by_role("heading", level=1)).to_have_text("Kijk in je mailbox")

    submission = PracticeSubmission.objects.get()
    journey.visit(f"/network/practices/confirm/{submission.token}/")
    page.get_by_role("button", name="Bevestigen").click()
    journey.check()

    moderator = new_journey()
    moderator.login(coordinator, totp_secret=TEST_TOTP_SECRET)
    moderator.visit("/network/moderation/")
    moderator.page.get_by_role("link", name="Leesbuddy's in de bib van Lier").click()
    moderator.check()
    moderator.page.get_by_role("button", name="Publiceren").click()
    moderator.check()
    expect(moderator.page.get_by_role("heading", level=1)).to_have_text(
        "Leesbuddy's in de bib van Lier"
    )
    practice = Practice.objects.get()
    assert practice.versions.count() == 1

    journey.visit("/network/practices/?q=leesbuddy")
    expect(
        page.locator("#results").get_by_role("link", name="Leesbuddy's in de bib van Lier")
    ).to_be_visible()
