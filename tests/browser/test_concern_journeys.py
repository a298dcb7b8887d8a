"""A concern is a case (issue 13, point 5), in real Chromium: a coordinator opens an urgent
concern from the duo's follow-up, acknowledges it, records an outcome and closes it, and
its history shows each step with who took it. Every page is scanned with axe-core."""

import pytest
from playwright.sync_api import expect

from buddywerk.access.models import Role
from buddywerk.trajectories import concern_services
from buddywerk.trajectories.models import Concern
from tests.factories import TEST_TOTP_SECRET, UserFactory, member
from tests.trajectories.factories import TrajectoryFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_coordinator_acknowledges_records_an_outcome_and_closes_an_urgent_concern(
    journey, transactional_db
):
    duo = TrajectoryFactory()
    coordinator = member(
        UserFactory(email="coordinator@example.org", first_name="Chris", last_name="Claes"),
        duo.programme,
        Role.PROGRAMME_COORDINATOR,
        is_lead=True,
    )
    concern = concern_services.concern_raise(
        actor=duo.buddy.user, trajectory=duo, urgency="urgent", text="Ze durft niet naar huis."
    )

    journey.login(coordinator, totp_secret=TEST_TOTP_SECRET)
    journey.visit(f"/duos/{duo.uuid}/followup/")
    journey.page.get_by_role("link", name="Open het zorgsignaal en zijn geschiedenis").click()
    journey.check()
    expect(journey.page.get_by_test_id("concern-status")).to_have_text("Nog niet opgenomen")

    journey.page.get_by_label("Wat gaat er gebeuren?").fill("Ik bel vandaag de zorgcoördinator.")
    journey.page.get_by_role("button", name="Ik neem dit zorgsignaal op").click()
    journey.check()
    expect(journey.page.get_by_text("Je hebt het zorgsignaal opgenomen.")).to_be_visible()
    expect(journey.page.get_by_test_id("concern-status")).to_have_text("Opgenomen")

    # closing is only offered once there is an outcome
    expect(journey.page.get_by_role("button", name="Zorgsignaal afsluiten")).to_have_count(0)
    journey.page.get_by_label("Doorverwezen naar het zorgteam van de school").check()
    journey.page.get_by_role("button", name="Uitkomst bewaren").click()
    journey.check()
    expect(journey.page.get_by_text("De uitkomst is genoteerd.")).to_be_visible()
    expect(journey.page.get_by_test_id("concern-outcome")).to_contain_text(
        "Doorverwezen naar het zorgteam van de school"
    )

    journey.page.get_by_role("button", name="Zorgsignaal afsluiten").click()
    journey.check()
    expect(journey.page.get_by_text("Het zorgsignaal is afgesloten.")).to_be_visible()
    expect(journey.page.get_by_test_id("concern-status")).to_have_text("Afgesloten")
    expect(journey.page.get_by_role("button", name="Uitkomst bewaren")).to_have_count(0)

    history = journey.page.get_by_test_id("concern-history")
    steps = [
        "Zorgsignaal gemeld",
        "Zorgsignaal opgenomen",
        "Uitkomst van een zorgsignaal genoteerd: Doorverwezen naar het zorgteam van de school",
        "Zorgsignaal afgesloten",
    ]
    for step in steps:
        expect(history).to_contain_text(step)
    text = history.inner_text()
    positions = [text.index(step) for step in steps]
    assert positions == sorted(positions)
    # each step by its named person, and the page views too (the coordinator's)
    expect(history.get_by_text("Zorgsignaal afgesloten · Chris Claes")).to_be_visible()
    expect(history).to_contain_text("Zorgsignaal bekeken · Chris Claes")

    concern.refresh_from_db()
    assert concern.status == "closed"
    assert (concern.closed_by, concern.outcome_by) == (coordinator, coordinator)
    assert str(duo.participants.get().pupil.first_name) not in journey.page.url
    assert Concern.objects.get(pk=concern.pk).outcome == "care_team"
