"""Journeys in real Chromium for the follow-up of a duo: a school answers a tandem note; a
coordinator acknowledges an urgent concern from the home page and fills in a kijkwijzer.
Every page visited is scanned with axe-core (conftest)."""

import datetime as dt

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from buddywerk.access.models import Role
from buddywerk.followup import services as fs
from buddywerk.followup.models import Observation, TandemNote
from buddywerk.trajectories import concern_services
from buddywerk.trajectories.models import Concern
from tests.factories import TEST_TOTP_SECRET, UserFactory, member
from tests.trajectories.factories import TrajectoryFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_school_answers_a_tandem_note(journey, transactional_db):
    duo = TrajectoryFactory()
    staff = member(
        UserFactory(email="zorg@example.org", first_name="Zoë"),
        duo.school,
        Role.SCHOOL_STAFF,
        is_lead=True,
    )
    fs.tandem_note_add(actor=duo.buddy.user, trajectory=duo, text="Hij vindt breuken nog moeilijk.")

    journey.login(staff, totp_secret=TEST_TOTP_SECRET)
    journey.visit(f"/duos/{duo.uuid}/")
    journey.page.get_by_role("link", name="Tandemberichten").click()
    journey.check()
    expect(journey.page.get_by_text("Hij vindt breuken nog moeilijk.")).to_be_visible()
    journey.page.get_by_label("Je bericht").fill("Dank je, we oefenen breuken in de klas.")
    journey.page.get_by_role("button", name="Versturen").click()
    journey.check()
    expect(journey.page.get_by_text("Je bericht is verstuurd.")).to_be_visible()
    expect(journey.page.get_by_text("Dank je, we oefenen breuken in de klas.")).to_be_visible()
    answer = TandemNote.objects.get(author=staff)
    assert answer.side == "school"


def test_a_coordinator_acknowledges_an_urgent_concern_and_fills_in_a_kijkwijzer(
    journey, transactional_db
):
    duo = TrajectoryFactory()
    coordinator = member(
        UserFactory(email="coordinator@example.org", first_name="Chris"),
        duo.programme,
        Role.PROGRAMME_COORDINATOR,
        is_lead=True,
    )
    concern = concern_services.concern_raise(
        actor=duo.buddy.user, trajectory=duo, urgency="urgent", text="Ze durft niet naar huis."
    )

    journey.login(coordinator, totp_secret=TEST_TOTP_SECRET)
    journey.visit("/")
    panel = journey.page.locator("section[aria-labelledby=panel-open-concerns]")
    expect(panel).to_contain_text("Dringend")
    panel.get_by_role("link", name="Duo van").click()
    journey.check()
    journey.page.get_by_role("link", name="Opnemen").click()
    journey.check()
    journey.page.get_by_label("Wat gaat er gebeuren?").fill("Ik bel vandaag de zorgcoördinator.")
    journey.page.get_by_role("button", name="Ik neem dit zorgsignaal op").click()
    journey.check()
    expect(journey.page.get_by_text("Je hebt het zorgsignaal opgenomen.")).to_be_visible()
    concern.refresh_from_db()
    assert concern.acknowledged_by == coordinator

    journey.page.get_by_role("link", name="Kijkwijzer invullen").click()
    journey.check()
    journey.page.get_by_role("group", name="Warme band").get_by_label("4 – heel goed").check()
    for label in (
        "Structuur van de contactmomenten",
        "Betrokkenheid van de deelnemer",
        "Voorbereiding van de buddy",
        "Communicatie met school en ouders",
        "Veiligheid en grenzen",
    ):
        journey.page.get_by_role("group", name=label).get_by_label("3 – goed").check()
    journey.page.locator("input[name=action_0]").fill("Gesprek met de buddy over grenzen")
    due = timezone.localdate() + dt.timedelta(days=30)  # within the plausible range
    journey.page.locator("input[name=due_0]").fill(due.isoformat())
    journey.page.get_by_role("button", name="Kijkwijzer bewaren").click()
    journey.check()
    expect(journey.page.get_by_text("De kijkwijzer is bewaard.")).to_be_visible()
    expect(journey.page.get_by_text("Gesprek met de buddy over grenzen")).to_be_visible()
    observation = Observation.objects.get()
    assert observation.scores.filter(score=4).count() == 1
    assert Concern.objects.open().count() == 0

    journey.visit("/duos/followup/")
    expect(journey.page.get_by_role("table")).to_be_visible()


def test_a_buddy_raises_a_concern_and_answers_the_survey_and_the_coordinator_checks_in(
    journey, new_journey, transactional_db
):
    """The remaining follow-up pages, each scanned: the concern form, the survey, the
    check-in form and the kijkwijzer criteria."""
    duo = TrajectoryFactory()
    coordinator = member(
        UserFactory(email="coordinator@example.org"), duo.programme, Role.PROGRAMME_COORDINATOR
    )

    journey.login(duo.buddy.user)
    journey.visit(f"/duos/{duo.uuid}/")
    journey.page.get_by_role("link", name="Zorgsignaal melden").click()
    journey.check()
    journey.page.get_by_label("Dringend").check()
    journey.page.get_by_label("Wat heb je gemerkt?").fill("Hij had honger en geen boterhammen.")
    journey.page.get_by_role("button", name="Zorgsignaal melden").click()
    journey.check()
    expect(journey.page.get_by_text("Het zorgsignaal is gemeld.")).to_be_visible()
    journey.page.get_by_role("link", name="Mijn bevraging invullen").click()
    journey.check()
    for index in range(1, 5):
        journey.page.locator(f"input[name=item{index}][value='4']").check()
    journey.page.get_by_role("button", name="Opslaan").click()
    journey.check()
    expect(journey.page.get_by_text("Bedankt: de antwoorden zijn bewaard.")).to_be_visible()
    assert Concern.objects.get().urgency == "urgent"

    other = new_journey()
    other.login(coordinator, totp_secret=TEST_TOTP_SECRET)
    other.visit(f"/duos/{duo.uuid}/followup/")
    other.page.get_by_role("link", name="Contact invullen").click()
    other.check()
    other.page.get_by_label("Hoe had je contact?").select_option("phone")
    other.page.get_by_role("button", name="Opslaan").click()
    other.check()
    expect(other.page.get_by_text("Het contact is bewaard.")).to_be_visible()
    other.visit("/duos/followup/kijkwijzer/")
    other.page.get_by_label("Nieuw criterium").fill("Huiswerkaanpak")
    other.page.get_by_role("button", name="Toevoegen").click()
    other.check()
    expect(other.page.get_by_role("row", name="Huiswerkaanpak")).to_be_visible()
