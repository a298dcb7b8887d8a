"""Journeys in real Chromium for duos: a buddy on a 375 px wide phone logs a meeting in a
few taps; a coordinator closes a duo and the buddy downloads the certificate of
participation. Every page visited is scanned with axe-core (conftest)."""

import datetime as dt
import io
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import expect
from pypdf import PdfReader

from buddywerk.trajectories.enums import CloseReason, TrajectoryStatus
from buddywerk.trajectories.models import Meeting
from tests.browser.conftest import has_horizontal_scroll
from tests.factories import TEST_TOTP_SECRET
from tests.trajectories.factories import TrajectoryFactory, coordinator_of

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 375, "height": 740}


def test_buddy_logs_a_meeting_on_a_phone_in_a_few_taps(new_journey, transactional_db):
    duo = TrajectoryFactory()
    pupil = duo.participants.get().pupil
    phone = new_journey(viewport=PHONE, is_mobile=True, has_touch=True)
    phone.login(duo.buddy.user)
    phone.visit("/duos/")
    page = phone.page
    # On a phone the menu folds behind its button (issue 16 point 8).
    expect(page.locator("a[href='/duos/']").first).to_be_attached()
    assert pupil.last_name not in page.content()
    # Tap 1: the duo; tap 2: log a meeting.
    page.locator(f"a[href='/duos/{duo.uuid}/']").first.click()
    phone.check()
    page.get_by_role("link", name="Contactmoment invullen").click()
    phone.check()
    assert not has_horizontal_scroll(page)
    # The date is today and the duration filled in: tap a topic, a smiley, save.
    page.get_by_label("Huiswerk").check()  # tap 3
    page.get_by_label("Hoe voelde de leerling zich? (mag je overslaan)").select_option("4")  # tap 4
    page.get_by_role("button", name="Opslaan").click()  # tap 5
    phone.check()
    expect(page.locator("main")).to_contain_text("Huiswerk")
    meeting = Meeting.objects.get(trajectory=duo)
    assert meeting.date == timezone.localdate()
    assert meeting.topics == ["homework"]
    assert meeting.duration_minutes == 50
    assert not has_horizontal_scroll(page)


def test_coordinator_closes_a_duo_and_the_buddy_downloads_a_certificate(
    journey, new_journey, transactional_db
):
    duo = TrajectoryFactory(planned_start=timezone.localdate() - dt.timedelta(weeks=10))
    buddy = duo.buddy.user
    buddy.first_name, buddy.last_name = "Hanne", "Vervoort"
    buddy.save()
    from buddywerk.trajectories import services

    services.meeting_log(
        actor=buddy,
        trajectory=duo,
        date=timezone.localdate(),
        duration_minutes=60,
        is_goodbye=True,
    )
    coordinator = coordinator_of(duo)
    journey.login(coordinator, totp_secret=TEST_TOTP_SECRET)
    journey.visit(f"/duos/{duo.uuid}/")
    page = journey.page
    page.get_by_role("link", name="Duo afsluiten").click()
    journey.check()
    page.get_by_label("Reden", exact=True).select_option(CloseReason.ENDED_AS_PLANNED.value)
    page.get_by_label("Welbevinden op het einde").select_option("4")
    page.get_by_role("button", name="Opslaan").click()
    journey.check()
    expect(page.locator("main")).to_contain_text("Dit duo is afgesloten")
    expect(page.get_by_role("link", name="Duo afsluiten")).to_have_count(0)
    duo.refresh_from_db()
    assert (duo.status, duo.goodbye_meeting_held) == (TrajectoryStatus.CLOSED, True)

    own = new_journey()
    own.login(buddy)
    own.visit(f"/duos/{duo.uuid}/")
    expect(own.page.get_by_role("link", name="Contactmoment invullen")).to_have_count(0)
    with own.page.expect_download() as download:
        own.page.get_by_role("link", name="Deelnameattest (pdf)").click()
    reader = PdfReader(io.BytesIO(Path(download.value.path()).read_bytes()))
    text = " ".join(" ".join(p.extract_text().split()) for p in reader.pages)
    assert "Hanne Vervoort" in text
    assert "Uren 1,0" in text
    assert duo.participants.get().pupil.last_name not in text
