"""Journey in real Chromium (issue 14, points 4-5): a programme coordinator drafts the
qualitative report beside the programme's figures, comes back to it and submits it; the
funder sees who has not submitted yet and downloads the combined PDF, which holds the
figures and the answers and is tagged for screen readers. Every page is scanned with
axe-core (conftest)."""

import io
from pathlib import Path

import pytest
from playwright.sync_api import expect
from pypdf import PdfReader

from buddywerk.reports.qualitative_models import QualitativeReport, QualitativeStatus
from tests.factories import TEST_TOTP_SECRET
from tests.reports.qualitative_world import build_qualitative

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

FIRST = "Twee hogescholen stuurden samen negen studenten."
SECOND = "De vaste dag op woensdag werkte goed."


def test_coordinator_drafts_and_submits_then_the_funder_downloads_the_combined_pdf(
    journey, new_journey, transactional_db
):
    q = build_qualitative()
    journey.login(q.coordinator, totp_secret=TEST_TOTP_SECRET)
    page = journey.page
    journey.visit("/")
    page.get_by_role("link", name="Kwalitatief rapport", exact=True).first.click()
    page.wait_for_load_state()
    journey.check()
    page.get_by_role("link", name="Buddy Mechelen (rapport)").click()
    page.wait_for_load_state()
    journey.check()
    # the programme's figures beside the questions
    expect(page.get_by_role("heading", name="Contactmomenten", exact=True)).to_be_visible()
    questions = [x.text for x in q.period.questions.all()]
    page.get_by_label(questions[0]).fill(FIRST)
    page.get_by_role("button", name="Concept bewaren").click()
    page.wait_for_load_state()
    journey.check()
    expect(page.get_by_text("Je concept is bewaard")).to_be_visible()
    assert QualitativeReport.objects.get(programme=q.p1).status == QualitativeStatus.DRAFT

    # later: the draft is still there; submitting without every answer is refused
    journey.visit(page.url.removeprefix(journey.base_url))
    expect(page.get_by_label(questions[0])).to_have_value(FIRST)
    page.get_by_role("button", name="Indienen").click()
    page.wait_for_load_state()
    expect(page.get_by_text("Beantwoord elke vraag voor je indient.")).to_be_visible()
    page.get_by_label(questions[1]).fill(SECOND)
    page.get_by_role("button", name="Indienen").click()
    page.wait_for_load_state()
    journey.check()
    expect(page.get_by_text("Je antwoorden zijn ingediend")).to_be_visible()
    expect(page.get_by_role("button", name="Indienen")).to_have_count(0)
    assert QualitativeReport.objects.get(programme=q.p1).status == QualitativeStatus.SUBMITTED

    funder = new_journey()
    funder.login(q.funder, totp_secret=TEST_TOTP_SECRET)
    fpage = funder.page
    funder.visit("/reports/qualitative/")
    fpage.get_by_role("link", name="Vragen, wie nog niet indiende en downloads").click()
    fpage.wait_for_load_state()
    funder.check()
    missing = fpage.locator("h2:has-text('Nog niet ingediend') + ul")
    expect(missing).to_contain_text("Buddy Gent (rapport)")
    expect(missing).to_contain_text("Antwerpen")
    expect(missing).not_to_contain_text("Buddy Mechelen (rapport)")
    # The task worker makes the file (the immediate backend in tests, at the commit).
    fpage.get_by_role("button", name="Maak de PDF").click()
    fpage.wait_for_load_state()
    with fpage.expect_download() as download_info:
        fpage.get_by_role("link", name="downloaden").click()
    download = download_info.value
    assert download.suggested_filename.endswith(".pdf")
    reader = PdfReader(io.BytesIO(Path(download.path()).read_bytes()))
    text = "\n".join(p.extract_text() for p in reader.pages)
    assert FIRST in text and SECOND in text
    assert "Cijfers in totaal" in text and "Inhoud" in text
    assert "Vandeputte" not in text
    assert reader.trailer["/Root"]["/MarkInfo"]["/Marked"]
    journey.assert_clean()
