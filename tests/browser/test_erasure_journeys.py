"""Withdrawal, access and erasure on request (issue 15, points 1, 4 and 5), in real
Chromium: a school's care coordinator records that the parents withdrew consent; the
programme's coordinator exports the child's data for the family (the PDF opens and names
what it should), then records the parents' request to erase it; the coordinator cannot
confirm their own request; a second coordinator confirms; the scheduled run erases the
data the same day and the requester gets a mail. Every page is scanned with axe-core."""

import datetime as dt
import io
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import expect
from pypdf import PdfReader

from buddywerk.access.models import Role
from buddywerk.common.scheduler import run_scheduled
from buddywerk.mail.models import OutgoingMail
from buddywerk.privacy.erasure_models import ErasureRequest, ErasureStatus
from buddywerk.referrals.models import Pupil
from tests.factories import (
    TEST_TOTP_SECRET,
    ProgrammeFactory,
    PupilFactory,
    ReferralFactory,
    SchoolFactory,
    UserFactory,
    member,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_withdrawal_export_and_erasure_with_four_eyes(journey, new_journey, transactional_db):
    school = SchoolFactory(name="Basisschool De Linde")
    programme = ProgrammeFactory(name="Buddy Mechelen")
    staff = member(
        UserFactory(email="zorg@example.org", last_name="Maes"), school, Role.SCHOOL_STAFF
    )
    coordinator = member(
        UserFactory(email="coordinator@example.org", first_name="Ines", last_name="Claes"),
        programme,
        Role.PROGRAMME_COORDINATOR,
        is_lead=True,
    )
    second = member(
        UserFactory(email="tweede@example.org", first_name="Tom", last_name="Pieters"),
        programme,
        Role.PROGRAMME_COORDINATOR,
    )
    referral = ReferralFactory(
        programme=programme,
        pupil=PupilFactory(school=school, first_name="Sara", last_name="Wouters"),
    )
    pupil = referral.pupil

    # 1. The care coordinator of the school records the withdrawal of consent.
    journey.login(staff, totp_secret=TEST_TOTP_SECRET)
    page = journey.page
    journey.visit(f"/referrals/{referral.uuid}/")
    page.get_by_role("link", name="Intrekken van toestemming noteren").click()
    journey.check()
    page.get_by_label("Een ouder").check()
    page.get_by_label("Op een ondertekend papieren formulier", exact=False).check()
    page.locator("input[name=withdrawn_on]").fill(timezone.localdate().isoformat())
    page.get_by_role("button", name="Intrekken noteren").click()
    page.wait_for_load_state()
    expect(page.locator(".alert-warning")).to_contain_text("De toestemming werd ingetrokken.")
    journey.check()

    # 2. The parents ask to see and to erase the data: the coordinator exports it first.
    lead = new_journey()
    lead.login(coordinator, totp_secret=TEST_TOTP_SECRET)
    page = lead.page
    lead.visit(f"/referrals/{referral.uuid}/")
    page.get_by_role("link", name="Gegevens exporteren op vraag").click()
    page.get_by_role("button", name="De export maken").click()
    lead.check()
    with page.expect_download() as download:
        page.get_by_role("link", name="De pdf downloaden (om te lezen)").click()
    reader = PdfReader(io.BytesIO(Path(download.value.path()).read_bytes()))
    text = " ".join(" ".join(p.extract_text() for p in reader.pages).split())
    for expected in (
        "Jouw gegevens in Buddywerk",
        "Voornaam Sara",
        "Achternaam Wouters",
        "Buddy Mechelen",
        "Toestemming",
        "ingetrokken",
        "Bekeken of gewijzigd",
    ):
        assert expected in text, expected

    # 3. The coordinator records the erasure request: what goes, what stays and why.
    lead.visit(f"/referrals/{referral.uuid}/")
    page.get_by_role("link", name="Gegevens wissen op vraag").click()
    lead.check()
    expect(page.get_by_role("heading", name="Wat gewist wordt")).to_be_visible()
    expect(page.get_by_role("heading", name="Wat blijft, en waarom")).to_be_visible()
    page.get_by_role("button", name="Noteer de vraag om te wissen").click()
    page.wait_for_load_state()
    lead.check()  # the errors are shown accessibly; nothing was recorded
    assert not ErasureRequest.objects.exists()
    page.get_by_label("Een ouder of voogd, via de school of dienst").check()
    page.locator("input[name=asked_on]").fill(timezone.localdate().isoformat())
    page.get_by_role("button", name="Noteer de vraag om te wissen").click()
    page.wait_for_load_state()
    lead.check()
    request = ErasureRequest.objects.get()
    assert "Sara" not in page.url and str(request.uuid) in page.url
    expect(page.get_by_text("Wacht op een tweede persoon")).to_be_visible()
    # Four eyes: no confirm button for the requester.
    expect(page.get_by_role("button", name="Bevestig het wissen")).to_have_count(0)

    # 4. A second coordinator confirms (the mail asked them to).
    assert OutgoingMail.objects.filter(to=second.email, kind="privacy.erasure_requested").exists()
    other = new_journey()
    other.login(second, totp_secret=TEST_TOTP_SECRET)
    other.visit(f"/privacy/erasure/{request.uuid}/")
    other.check()
    expect(other.page.get_by_text("Sara Wouters", exact=False)).to_be_visible()
    other.page.get_by_role("button", name="Bevestig het wissen").click()
    other.page.wait_for_load_state()
    other.check()
    expect(other.page.get_by_role("status").first).to_contain_text("Bevestigd")

    # 5. The scheduled run erases it the same day; the requester hears it.
    run_scheduled(now=timezone.now() + dt.timedelta(minutes=15))
    request.refresh_from_db()
    assert request.status == ErasureStatus.DONE
    assert not Pupil.objects.filter(pk=pupil.pk).exists()
    assert OutgoingMail.objects.filter(to=coordinator.email, kind="privacy.erasure_done").exists()
    lead.visit(f"/privacy/erasure/{request.uuid}/")
    lead.check()
    expect(page.get_by_text("Gewist", exact=True)).to_be_visible()
    assert "Wouters" not in page.content()
    lead.visit(f"/privacy/access/pupil/{pupil.uuid}/", status=404)
