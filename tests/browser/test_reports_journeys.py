"""Journey in real Chromium: a platform admin opens the funder's report of the hand-counted
world, chooses the interim period of 2025-2026 and downloads the Excel file, which holds the
figures counted by hand. Every page visited is scanned with axe-core (conftest)."""

import io
from pathlib import Path

import pytest
from openpyxl import load_workbook
from playwright.sync_api import expect

from buddywerk.access.models import Role
from buddywerk.organisations.models import OrganisationKind
from tests.factories import TEST_TOTP_SECRET, OrganisationFactory, UserFactory, member
from tests.reports.world import build

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_platform_admin_opens_the_report_and_downloads_the_xlsx(journey, transactional_db):
    build()
    umbrella = OrganisationFactory(name="Koepel", kind=OrganisationKind.UMBRELLA)
    admin = member(UserFactory(email="admin@example.org"), umbrella, Role.PLATFORM_ADMIN)
    journey.login(admin, totp_secret=TEST_TOTP_SECRET)
    page = journey.page
    journey.visit("/")
    page.get_by_role("link", name="Rapport", exact=True).first.click()
    page.wait_for_load_state()
    journey.check()
    page.get_by_label("Gebied").select_option("all")
    page.get_by_label("Periode").select_option("interim")
    page.get_by_label("Schooljaar").select_option("2025")
    page.get_by_role("button", name="Toon het rapport").click()
    page.wait_for_load_state()
    journey.check()
    assert "school_year=2025" in page.url  # a link to share
    expect(page.get_by_role("heading", name="Contactmomenten", exact=True)).to_be_visible()
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Excel (XLSX)").click()
    download = download_info.value
    assert download.suggested_filename.endswith(".xlsx")
    book = load_workbook(io.BytesIO(Path(download.path()).read_bytes()))
    meetings = book["Contactmomenten"]
    rows = list(meetings.iter_rows(values_only=True))
    assert rows[1][-1] == "Totaal"
    held = next(row for row in rows if row[0] == "Doorgegaan")
    assert held[-1] == 5
    journey.assert_clean()
