"""Journey in real Chromium: the coordinator opens the suggestions for a referral, previews
a batch for the queue and confirms it; the buddy accepts the proposal; the school confirms;
a duo exists. Every page visited is scanned with axe-core (conftest)."""

import pytest
from playwright.sync_api import expect

from buddywerk.access.models import Role
from buddywerk.matching.enums import ProposalStatus
from buddywerk.matching.models import Proposal
from buddywerk.trajectories.models import Trajectory
from tests.factories import (
    TEST_TOTP_SECRET,
    ProgrammeFactory,
    PupilFactory,
    SchoolFactory,
    UserFactory,
    member,
)
from tests.matching.helpers import fitting_buddy, queued_referral

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_suggest_batch_accept_confirm(journey, new_journey, transactional_db):
    programme = ProgrammeFactory(name="Buddy Mechelen")
    school = SchoolFactory(name="Basisschool De Linde")
    staff = member(UserFactory(email="zorg@example.org"), school, Role.SCHOOL_STAFF)
    coordinator = member(
        UserFactory(email="coordinator@example.org"), programme, Role.PROGRAMME_COORDINATOR
    )
    pupil = PupilFactory(school=school, first_name="Amira", last_name="El Idrissi")
    referral = queued_referral(programme, pupil=pupil)
    buddy = fitting_buddy(programme)
    buddy.user.first_name, buddy.user.last_name = "Samir", "Student"
    buddy.user.save()

    # The coordinator: the referral's suggestions, then the batch for the queue.
    journey.login(coordinator, totp_secret=TEST_TOTP_SECRET)
    page = journey.page
    page.get_by_role("link", name="Wachtrij van aanmeldingen").first.click()
    journey.check()
    page.get_by_role("link", name="Voorgestelde buddy's").first.click()
    journey.check()
    expect(page.locator("table").first).to_contain_text("Samir Student")
    expect(page.locator("table").first).to_contain_text("woont 0 km van de school")
    page.get_by_role("link", name="Koppelen").first.click()
    journey.check()
    page.get_by_role("link", name="Koppel de hele wachtrij").click()
    journey.check()
    expect(page.locator("table").first).to_contain_text("Wie eerst komt, eerst gediend")
    expect(page.locator("input[name=pair]")).to_be_checked()
    page.get_by_role("button", name="Verstuur de aangevinkte voorstellen").click()
    page.wait_for_load_state()
    journey.check()
    proposal = Proposal.objects.get()
    assert proposal.referral == referral and proposal.buddy == buddy

    # The buddy accepts: no name before the yes (issue 16, point 7), the first name after.
    buddy_side = new_journey()
    buddy_side.login(buddy.user)
    bpage = buddy_side.page
    bpage.get_by_role("link", name="Voorstellen").first.click()
    buddy_side.check()
    expect(bpage.locator("main")).not_to_contain_text("El Idrissi")
    expect(bpage.locator("main")).not_to_contain_text("Amira")
    bpage.get_by_role("link", name="Basisschool De Linde").click()
    buddy_side.check()
    bpage.get_by_role("button", name="Ja, ik doe het").click()
    bpage.wait_for_load_state()
    buddy_side.check()
    expect(bpage.locator("main")).to_contain_text("Amira")
    expect(bpage.locator("main")).not_to_contain_text("El Idrissi")
    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.ACCEPTED

    # The school confirms; the duo exists.
    school_side = new_journey()
    school_side.login(staff, totp_secret=TEST_TOTP_SECRET)
    spage = school_side.page
    spage.get_by_role("link", name="Voorstellen").first.click()
    school_side.check()
    spage.get_by_role("link", name="Amira El Idrissi").click()
    school_side.check()
    spage.get_by_role("button", name="Bevestig de buddy").click()
    spage.wait_for_load_state()
    school_side.check()
    expect(spage.get_by_role("link", name="Open het duo")).to_be_visible()
    assert Trajectory.objects.filter(buddy=buddy, participants__referral=referral).exists()
    for side in (journey, buddy_side, school_side):
        side.assert_clean()
