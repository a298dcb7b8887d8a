"""Journey in real Chromium at 375 px (issue 16, point 6): a buddy sees a proposal waiting
for their answer in the to-do list on the home page, follows the link, answers, and the
item is gone. Every page visited is scanned with axe-core (conftest)."""

import pytest
from playwright.sync_api import expect

from buddywerk.matching.enums import ProposalStatus
from tests.browser.conftest import PHONE_VIEWPORT, has_horizontal_scroll
from tests.factories import ProgrammeFactory, SchoolFactory
from tests.matching.helpers import fitting_buddy, open_proposal

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_buddy_answers_a_proposal_from_the_to_do_list_on_a_phone(new_journey):
    programme = ProgrammeFactory(name="Buddy Mechelen")
    school = SchoolFactory(name="Basisschool De Linde")
    buddy = fitting_buddy(programme)
    proposal = open_proposal(programme=programme, buddy=buddy, school=school)

    trip = new_journey(viewport=PHONE_VIEWPORT)
    trip.login(buddy.user)
    page = trip.page
    trip.visit("/")
    todo = page.get_by_test_id("todo")
    expect(todo.get_by_role("heading", name="Te doen")).to_be_visible()
    link = todo.get_by_role("link", name="1 voorstel wacht op je antwoord")
    expect(link).to_be_visible()
    assert not has_horizontal_scroll(page)

    link.click()
    trip.check()
    expect(page.get_by_role("heading", name="Voorstel", exact=True)).to_be_visible()
    expect(page.get_by_test_id("proposal-where")).to_contain_text("Basisschool De Linde")
    assert not has_horizontal_scroll(page)
    page.get_by_role("button", name="Ja, ik doe het").click()
    page.wait_for_load_state()
    trip.check()
    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.ACCEPTED

    trip.visit("/")
    expect(todo).not_to_contain_text("voorstel")
    expect(todo).to_contain_text("Er wacht nu niets op je.")
    trip.assert_clean()
