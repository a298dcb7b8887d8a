"""Journeys in real Chromium at 375 px for issue 16 (points 2 and 6), for the school and the
programme coordinator (the buddy's are in test_todo_journeys.py and
test_plan_cancel_journeys.py): each follows an item of the to-do list on the home page to
the place where it is done, does it, and finds the item gone; the coordinator also goes
back and sends a create form again and sees the one record it made. Every page visited is
scanned with axe-core (conftest)."""

import pytest
from playwright.sync_api import expect

from buddywerk.access.models import Role
from buddywerk.matching import services as matching_services
from buddywerk.matching.enums import ProposalStatus
from buddywerk.network.models import Question
from buddywerk.referrals.models import ReferralStatus
from buddywerk.trajectories.models import Trajectory
from tests.browser.conftest import PHONE_VIEWPORT, has_horizontal_scroll
from tests.factories import (
    TEST_TOTP_SECRET,
    ProgrammeFactory,
    PupilFactory,
    ReferralFactory,
    SchoolFactory,
    UserFactory,
    member,
)
from tests.matching.helpers import fitting_buddy, open_proposal

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_care_coordinator_confirms_a_buddys_yes_from_the_to_do_list_on_a_phone(new_journey):
    programme = ProgrammeFactory(name="Buddy Mechelen")
    school = SchoolFactory(name="Basisschool De Linde")
    staff = member(UserFactory(), school, Role.SCHOOL_STAFF, is_lead=True)
    buddy = fitting_buddy(programme)
    proposal = open_proposal(programme=programme, buddy=buddy, school=school)
    matching_services.proposal_accept(actor=buddy.user, proposal=proposal)

    trip = new_journey(viewport=PHONE_VIEWPORT)
    trip.login(staff, totp_secret=TEST_TOTP_SECRET)
    page = trip.page
    trip.visit("/")
    todo = page.get_by_test_id("todo")
    expect(todo.get_by_role("heading", name="Te doen")).to_be_visible()
    link = todo.get_by_role("link", name="1 buddy zei ja: bevestig het voorstel")
    expect(link).to_be_visible()
    assert not has_horizontal_scroll(page)

    link.click()
    trip.check()
    assert not has_horizontal_scroll(page)
    page.get_by_role("button", name="Bevestig de buddy").click()
    page.wait_for_load_state()
    trip.check()
    expect(page.get_by_role("link", name="Open het duo")).to_be_visible()
    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.CONFIRMED
    assert Trajectory.objects.filter(programme=programme).count() == 1

    trip.visit("/")
    expect(todo).not_to_contain_text("zei ja")
    assert not has_horizontal_scroll(page)
    trip.assert_clean()


def test_programme_coordinator_decides_a_referral_and_asks_a_question_once_on_a_phone(
    new_journey,
):
    programme = ProgrammeFactory(name="Buddy Mechelen")
    school = SchoolFactory(name="Basisschool De Linde")
    coordinator = member(UserFactory(), programme, Role.PROGRAMME_COORDINATOR, is_lead=True)
    referral = ReferralFactory(programme=programme, pupil=PupilFactory(school=school))
    assert referral.status == ReferralStatus.SUBMITTED

    trip = new_journey(viewport=PHONE_VIEWPORT)
    trip.login(coordinator, totp_secret=TEST_TOTP_SECRET)
    page = trip.page
    trip.visit("/")
    todo = page.get_by_test_id("todo")
    link = todo.get_by_role("link", name="1 nieuwe aanmelding om over te beslissen")
    expect(link).to_be_visible()
    assert not has_horizontal_scroll(page)

    # The item leads to the decision; once decided it is gone (the next step shows).
    link.click()
    trip.check()
    assert not has_horizontal_scroll(page)
    page.get_by_role("button", name="Aanvaarden: een buddy zoeken").click()
    page.wait_for_load_state()
    trip.check()
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.ACCEPTED
    trip.visit("/")
    expect(todo).not_to_contain_text("beslissen")
    expect(todo.get_by_role("link", name="1 aanmelding wacht op een buddy")).to_be_visible()

    # A create form sent, then back and sent again with the same values: one question,
    # and the page says so and shows the one that was made.
    trip.visit("/network/questions/ask/")
    assert not has_horizontal_scroll(page)

    def ask() -> None:
        page.get_by_label("Ik vraag als").select_option("programmes")
        page.get_by_label("Je vraag").fill("Hoe lang bewaren we een uittreksel?")
        page.get_by_role("button", name="Vraag versturen").click()
        page.wait_for_load_state()
        trip.check()

    ask()
    expect(page.get_by_text("Bedankt voor je vraag")).to_be_visible()
    page.go_back()
    page.wait_for_load_state()
    ask()
    expect(page.get_by_text("Je had dit formulier al verstuurd")).to_be_visible()
    waiting = page.get_by_test_id("questions-waiting")
    expect(waiting.get_by_text("Hoe lang bewaren we een uittreksel?")).to_have_count(1)
    assert Question.objects.filter(asked_by=coordinator).count() == 1
    assert not has_horizontal_scroll(page)
    trip.assert_clean()
