"""Issue 13 in real Chromium: a coordinator suspends a buddy from the screening page and
sees both of the buddy's duos paused; the school's care coordinator sees the pause without
the reason. Every page visited is scanned with axe-core (conftest)."""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from buddywerk.access.models import Role
from buddywerk.buddies.models import ScreeningStatus
from buddywerk.trajectories.enums import TrajectoryStatus
from tests.factories import TEST_TOTP_SECRET, BuddyFactory, UserFactory, member
from tests.trajectories.factories import TrajectoryFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

REASON = "Signaal van de school over berichten buiten de afspraken."


def test_a_coordinator_suspends_a_buddy_and_the_school_sees_only_the_pause(
    journey, transactional_db
):
    buddy = BuddyFactory(capacity=4)
    pupil_duo = TrajectoryFactory(buddy=buddy)
    family_duo = TrajectoryFactory(buddy=buddy, family=True)
    coordinator = UserFactory(email="coordinator@example.org", first_name="Chris")
    member(coordinator, pupil_duo.programme, Role.PROGRAMME_COORDINATOR, is_lead=True)
    member(coordinator, family_duo.programme, Role.PROGRAMME_COORDINATOR)
    care = member(
        UserFactory(email="zorg@example.org", first_name="Zoë"),
        pupil_duo.school,
        Role.SCHOOL_STAFF,
        is_lead=True,
    )

    journey.login(coordinator, totp_secret=TEST_TOTP_SECRET)
    journey.visit(reverse("buddies:screening_detail", args=[pupil_duo.programme.uuid, buddy.uuid]))
    journey.page.get_by_label("Reden (alleen de buddywerking leest dit)").fill(REASON)
    journey.page.get_by_role("button", name="Deze buddy schorsen").click()
    journey.check()
    expect(journey.page.get_by_text("De buddy is geschorst")).to_be_visible()
    buddy.refresh_from_db()
    assert buddy.status == ScreeningStatus.SUSPENDED
    for duo in (pupil_duo, family_duo):
        journey.visit(reverse("trajectories:detail", args=[duo.uuid]))
        expect(journey.page.locator("p.lead")).to_contain_text("Gepauzeerd")
        expect(journey.page.get_by_test_id("paused-by-programme")).to_contain_text(
            "Gepauzeerd voor een veilig kader"
        )
        expect(journey.page.get_by_text("de buddy werd geschorst")).to_be_visible()
        duo.refresh_from_db()
        assert duo.status == TrajectoryStatus.PAUSED

    journey.page.context.clear_cookies()
    journey.login(care, totp_secret=TEST_TOTP_SECRET)
    journey.visit(reverse("trajectories:detail", args=[pupil_duo.uuid]))
    expect(journey.page.locator("p.lead")).to_contain_text("Gepauzeerd")
    expect(journey.page.get_by_test_id("paused-by-programme")).to_contain_text(
        "gepauzeerd door de buddywerking"
    )
    content = journey.page.content()
    assert "geschorst" not in content
    assert "Signaal" not in content
    assert "Veilig kader" not in content
