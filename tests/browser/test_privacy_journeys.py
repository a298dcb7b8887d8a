"""Access on request (issue 15, point 5), in real Chromium: a coordinator opens a family's
referral, makes the export of everything the programme keeps about the family, downloads
the PDF and it opens and names what it should (and nothing of another family). Every page
is scanned with axe-core."""

import datetime as dt
import io
from pathlib import Path

import pytest
from playwright.sync_api import expect
from pypdf import PdfReader

from buddywerk.access.models import Role
from buddywerk.trajectories import services as duo_services
from buddywerk.trajectories.enums import NoteVisibility
from tests.factories import TEST_TOTP_SECRET, UserFactory, member
from tests.trajectories.factories import TrajectoryFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _family_duo(contact: str, note: str, **kwargs):
    duo = TrajectoryFactory(family=True, **kwargs)
    family = duo.participants.get().family
    family.contact_name = contact
    family.save()
    duo_services.meeting_log(
        actor=duo.buddy.user,
        trajectory=duo,
        date=duo.planned_start + dt.timedelta(days=3),
        duration_minutes=90,
        topics=["homework"],
        note=note,
        note_visibility=NoteVisibility.SHARED,
    )
    return duo


def test_a_coordinator_exports_a_familys_data_and_the_pdf_names_what_it_should(
    journey, transactional_db
):
    duo = _family_duo("Amina El Idrissi", "Samen de schoolagenda bekeken.")
    _family_duo("Familie Verstraete", "Notitie van een ander gezin.", programme=duo.programme)
    coordinator = member(
        UserFactory(email="coordinator@example.org"),
        duo.programme,
        Role.PROGRAMME_COORDINATOR,
        is_lead=True,
    )
    referral = duo.participants.get().referral

    journey.login(coordinator, totp_secret=TEST_TOTP_SECRET)
    journey.visit(f"/referrals/{referral.uuid}/")
    journey.page.get_by_role("link", name="Gegevens exporteren op vraag").click()
    journey.check()
    expect(journey.page.get_by_role("heading", name="Gegevens inkijken")).to_be_visible()
    expect(journey.page.get_by_text("Amina El Idrissi", exact=False)).to_be_visible()
    journey.page.get_by_role("button", name="De export maken").click()
    journey.check()
    expect(journey.page.get_by_role("heading", name="De export is klaar")).to_be_visible()
    assert "Amina" not in journey.page.url and "Idrissi" not in journey.page.url

    with journey.page.expect_download() as download:
        journey.page.get_by_role("link", name="De pdf downloaden (om te lezen)").click()
    assert download.value.suggested_filename.startswith("buddywerk-gegevens-")
    reader = PdfReader(io.BytesIO(Path(download.value.path()).read_bytes()))
    text = "\n".join(page.extract_text() for page in reader.pages)
    for expected in (
        "Jouw gegevens in Buddywerk",
        "Amina El Idrissi",
        duo.programme.name,
        "Samen de schoolagenda bekeken.",
        "Waar het vandaan komt",
        "Toestemming",
        "Bekeken of gewijzigd",
    ):
        assert expected in text, expected
    assert "Verstraete" not in text and "ander gezin" not in text
