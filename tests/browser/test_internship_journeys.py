"""Journey in real Chromium (issue 20, point 1): an internship supervisor signs in with
two-factor authentication, opens "My students", opens a student's internship file and
downloads it as a PDF, which holds the student's hours and never a pupil's name. Every
page visited is scanned with axe-core (conftest)."""

import io
import re
from pathlib import Path

import pytest
from pypdf import PdfReader

from tests.factories import TEST_TOTP_SECRET
from tests.internships.helpers import build

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_supervisor_exports_a_students_internship_file(journey, transactional_db):
    w = build()
    journey.login(w.supervisor, totp_secret=TEST_TOTP_SECRET)
    page = journey.page
    journey.visit("/")
    page.get_by_role("link", name="Mijn studenten", exact=True).first.click()
    page.wait_for_load_state()
    journey.check()
    assert "Stijn Stil" not in page.content()  # did not agree to share
    page.get_by_role("link", name=re.compile("Lotte Stagiair")).click()
    page.wait_for_load_state()
    journey.check()
    html = page.content()
    assert w.pupil.first_name not in html and w.pupil.last_name not in html
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Het stagedossier downloaden (pdf)").click()
    download = download_info.value
    assert download.suggested_filename == "stagedossier.pdf"
    reader = PdfReader(io.BytesIO(Path(download.path()).read_bytes()))
    text = "\n".join(p.extract_text() for p in reader.pages)
    assert "Stagedossier van Lotte Stagiair" in text
    assert "Buddy Leuven (test)" in text and "2,5" in text
    assert w.pupil.first_name not in text and w.pupil.last_name not in text
    journey.assert_clean()
