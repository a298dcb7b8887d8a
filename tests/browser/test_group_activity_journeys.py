"""Journey at 375 px for issue 20, point 4: a family programme's coordinator plans a group
activity on a phone, inviting two families, and takes attendance; the family that came has
a held meeting. Every page visited is scanned with axe-core (conftest)."""

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from buddywerk.trajectories.models import GroupActivity, Meeting
from tests.browser.conftest import PHONE_VIEWPORT
from tests.factories import TEST_TOTP_SECRET
from tests.trajectories.factories import TrajectoryFactory, coordinator_of

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_family_coordinator_records_a_group_activity_on_a_phone(new_journey, transactional_db):
    first = TrajectoryFactory(family=True)
    second = TrajectoryFactory(family=True, programme=first.programme, service=first.school)
    coordinator = coordinator_of(first)
    phone = new_journey(viewport=PHONE_VIEWPORT)
    phone.login(coordinator, totp_secret=TEST_TOTP_SECRET)
    phone.visit("/duos/group-activities/")
    phone.page.get_by_role("link", name="Plan een groepsactiviteit").click()
    phone.check()
    page = phone.page
    page.get_by_label("Wat", exact=True).fill("Speelnamiddag")
    page.get_by_label("Datum").fill(timezone.localdate().isoformat())
    page.get_by_label("Duur (minuten)").fill("90")
    page.get_by_label("Onderweg (bib, speelplein, markt)").check()
    page.get_by_label("Plaats").fill("Speelplein Citadelpark")
    checkboxes = page.locator("input[name='trajectories']")
    checkboxes.nth(0).check()
    checkboxes.nth(1).check()
    page.get_by_role("button", name="Plannen").click()
    phone.check()
    expect(page.get_by_text("De groepsactiviteit is gepland.")).to_be_visible()
    activity = GroupActivity.objects.get()
    assert activity.invites.count() == 2
    # Attendance on the same phone: only the second family came.
    page.locator(f"input[name='attended'][value='{second.pk}']").check()
    page.get_by_role("button", name="Aanwezigheid bewaren").click()
    phone.check()
    expect(page.get_by_text("De aanwezigheid is bewaard")).to_be_visible()
    meeting = Meeting.objects.get(group_activity=activity)
    assert meeting.trajectory_id == second.pk and meeting.status == "happened"
    # Nothing is wider than the phone.
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE_VIEWPORT["width"]
