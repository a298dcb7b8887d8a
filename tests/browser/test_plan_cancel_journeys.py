"""Journeys at 375 px for issue 16, points 2 and 3: a buddy logs a meeting, goes back and
sends the same form again (one meeting, and a message saying so); a buddy cancels a
planned meeting with a reason. Every page visited is scanned with axe-core (conftest)."""

import datetime as dt

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from buddywerk.trajectories import services
from buddywerk.trajectories.models import Meeting
from tests.browser.conftest import PHONE_VIEWPORT
from tests.trajectories.factories import TrajectoryFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_meeting_sent_twice_is_saved_once(new_journey, transactional_db):
    duo = TrajectoryFactory()
    phone = new_journey(viewport=PHONE_VIEWPORT)
    phone.login(duo.buddy.user)
    phone.visit(f"/duos/{duo.uuid}/meetings/new/")
    phone.page.get_by_label("Duur (minuten)").fill("45")
    phone.page.get_by_role("button", name="Opslaan").click()
    phone.check()
    expect(phone.page.get_by_text("Het contactmoment is bewaard")).to_be_visible()
    phone.page.go_back()
    phone.page.get_by_role("button", name="Opslaan").click()
    phone.check()
    expect(phone.page.get_by_text("Je had dit formulier al verstuurd")).to_be_visible()
    assert Meeting.objects.filter(trajectory=duo).count() == 1


def test_a_buddy_cancels_a_planned_meeting_with_a_reason(new_journey, transactional_db):
    duo = TrajectoryFactory()
    meeting = services.meeting_plan(
        actor=duo.buddy.user,
        trajectory=duo,
        date=timezone.localdate() + dt.timedelta(days=4),
        start_time=dt.time(15, 30),
    )
    phone = new_journey(viewport=PHONE_VIEWPORT)
    phone.login(duo.buddy.user)
    phone.visit(f"/duos/{duo.uuid}/")
    phone.page.get_by_role("link", name="Afgelasten").click()
    phone.check()
    phone.page.get_by_label("Waarom wordt het afgelast?").select_option("buddy_absent")
    phone.page.get_by_label("Een korte uitleg voor de andere kant").fill("Ik ben ziek.")
    phone.page.get_by_role("button", name="Opslaan").click()
    phone.check()
    expect(phone.page.get_by_text("Het contactmoment is afgelast.")).to_be_visible()
    meeting.refresh_from_db()
    assert (meeting.status, meeting.cancel_reason) == ("cancelled", "buddy_absent")
    assert meeting.transitions.get().reason == "Ik ben ziek."
