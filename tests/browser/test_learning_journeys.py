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


def test_regional_coordinator_creates_an_intervision_for_school_staff_and_a_teacher_registers(
    journey, new_journey, transactional_db
):
    """Issue 20, point 2: a regional coordinator organises a learning network for school
    staff; a teacher registers on a phone; the coordinator takes attendance on a phone."""
    import datetime as dt

    from django.utils import timezone

    from buddywerk.learning.models import Event
    from tests.browser.conftest import PHONE_VIEWPORT, has_horizontal_scroll
    from tests.factories import SchoolFactory
    from tests.learning.factories import next_season_day

    region = OrganisationFactory(
        name="Regio Antwerpen",
        kind=OrganisationKind.REGION,
        province=Province.objects.get(code="VAN"),
    )
    coordinator = member(UserFactory(email="regio@example.org"), region, Role.REGIONAL_COORDINATOR)
    teacher = member(
        UserFactory(email="zorg@example.org", first_name="Zehra", last_name="Zorg"),
        SchoolFactory(name="Sint-Jan"),
        Role.SCHOOL_STAFF,
    )
    start = timezone.localtime(next_season_day())

    def moment(value):
        return value.strftime("%Y-%m-%dT%H:%M")

    journey.login(coordinator, totp_secret=TEST_TOTP_SECRET)
    journey.visit("/learning/events/new/")
    page = journey.page
    page.get_by_label("Soort").select_option(label="Intervisie")
    page.get_by_label("Titel:", exact=True).fill("Lerend netwerk zorgleerkrachten")
    page.get_by_label("Doelpubliek").select_option(label="Scholen")
    page.get_by_label("Begint op").fill(moment(start))
    page.get_by_label("Eindigt op").fill(moment(start + dt.timedelta(hours=2)))
    page.get_by_label("Inschrijven tot").fill(moment(start - dt.timedelta(days=2)))
    page.get_by_label("Plaats:", exact=True).fill("Provinciehuis Antwerpen")
    page.get_by_label("Plaatsen:", exact=True).fill("12")
    page.get_by_role("button", name="Maak aan").click()
    journey.check()
    event = Event.objects.get(title="Lerend netwerk zorgleerkrachten")
    assert event.region == region and event.audience == "schools"

    phone = new_journey(viewport=PHONE_VIEWPORT)
    phone.login(teacher, totp_secret=TEST_TOTP_SECRET)
    phone.visit("/learning/events/")
    phone.page.get_by_role("link", name="Lerend netwerk zorgleerkrachten").click()
    phone.check()
    phone.page.locator("form[action$='/register/'] button[type=submit]").click()
    phone.check()
    expect(phone.page.locator(".bw-status")).to_have_attribute("data-status", "registered")
    registration = Registration.objects.get(event=event)
    assert registration.user == teacher and registration.status == "registered"

    # The day itself: the coordinator ticks who came, on a phone at the door.
    Event.objects.filter(pk=event.pk).update(starts_at=timezone.now() - dt.timedelta(hours=1))
    # The same session (a second sign-in would reuse the TOTP code), now phone-sized.
    door = journey
    door.page.set_viewport_size(PHONE_VIEWPORT)
    door.visit(f"/learning/events/{event.uuid}/manage/")
    assert not has_horizontal_scroll(door.page)
    door.page.get_by_label("Zehra Zorg").check()
    door.page.get_by_role("button", name="Aanwezigheden bewaren").click()
    door.check()
    registration.refresh_from_db()
    assert registration.attended is True
