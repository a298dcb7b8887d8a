"""Journey in real Chromium (issue 21, "Tests and measures"): a mentor requests a study
grant for the pupil of their duo; two coordinators of the programme decide it (four-eyes:
the requester has no say, and the first approver cannot give the second approval); the
second coordinator records the payment; the mentor uploads the receipt, which justifies
the grant; then the buddy claims kilometres on a 375 px phone. Every page visited is
scanned with axe-core (conftest)."""

import datetime as dt
import re
from decimal import Decimal
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from buddywerk.expenses import services as expenses
from buddywerk.expenses.models import ClaimStatus, ExpenseClaim
from buddywerk.funds.models import Grant, GrantStatus
from tests.factories import TEST_TOTP_SECRET
from tests.funds.world import PDF, make_world

from .conftest import PHONE_VIEWPORT, has_horizontal_scroll

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

IBAN = "BE68539007547034"
# "Submitted": the label of the submitted state (catalogues of other apps may say it first).
SUBMITTED = re.compile("Verstuurd|Ingediend")


def _grant_page(trip, grant):
    trip.visit(f"/grants/{grant.uuid}/")
    return trip.page


def _steps(page):
    return page.get_by_test_id("grant-steps")


def test_a_grant_decided_by_two_paid_and_justified_then_kilometres_on_a_phone(
    journey, new_journey, tmp_path, settings
):
    settings.MEDIA_ROOT = tmp_path
    w = make_world("300.00")
    mentor = journey
    page = mentor.page

    # The mentor asks a grant for the pupil of their duo.
    mentor.login(w.buddy)
    mentor.visit(f"/grants/duos/{w.duo.uuid}/request/")
    page.locator("input[name=purpose][value=tools]").check()
    page.locator("input[name=amount]").fill("120,00")
    page.locator("textarea[name=reason]").fill("Gereedschap voor de opleiding lassen.")
    page.locator("select[name=care_coordinator]").select_option(str(w.school.pk))
    page.get_by_role("button", name="Bewaar de aanvraag").click()
    mentor.check()
    grant = Grant.objects.get()
    expect(page).to_have_url(re.compile(f"/grants/{grant.uuid}/$"))
    page.get_by_role("button", name="Verstuur de aanvraag").click()
    mentor.check()
    expect(page.locator("main")).to_contain_text(SUBMITTED)
    # The requester never decides: no approve or refuse on their page.
    expect(page.get_by_role("button", name="Goedkeuren")).to_have_count(0)
    expect(page.get_by_role("button", name="Weiger de beurs")).to_have_count(0)

    # The first coordinator approves; the history says a second approval is needed.
    first = new_journey()
    first.login(w.coord_a, totp_secret=TEST_TOTP_SECRET)
    fpage = _grant_page(first, grant)
    _steps(fpage).get_by_role("button", name="Goedkeuren").click()
    first.check()
    history = fpage.locator("section[aria-labelledby=h-history]")
    expect(history).to_contain_text("Eerste goedkeuring (er is nog een tweede nodig)")
    expect(fpage.locator("main")).to_contain_text(SUBMITTED)
    # ... and cannot give the second approval too.
    expect(fpage.get_by_role("button", name="Geef de tweede goedkeuring")).to_have_count(0)
    grant.refresh_from_db()
    assert grant.status == GrantStatus.SUBMITTED and grant.first_approved_by == w.coord_a

    # A second coordinator approves and records the payment to the parent.
    second = new_journey()
    second.login(w.coord_b, totp_secret=TEST_TOTP_SECRET)
    spage = _grant_page(second, grant)
    spage.get_by_role("button", name="Geef de tweede goedkeuring").click()
    second.check()
    expect(spage.locator("dl")).to_contain_text("Goedgekeurd")
    expect(spage.locator("section[aria-labelledby=h-history]")).to_contain_text(
        "Tweede goedkeuring: goedgekeurd"
    )
    payment = spage.locator("form[action$='/payments/']")
    payment.locator("input[name=amount]").fill("120,00")
    payment.locator("input[name=payee][value=parent]").check()
    payment.locator("input[name=paid_on]").fill(timezone.localdate().isoformat())
    payment.locator("input[name=reference]").fill("BW-2026-001")
    payment.locator("button[type=submit]").click()
    second.check()
    expect(spage.locator("dl")).to_contain_text("Betaald")
    expect(spage.locator("section[aria-labelledby=h-payments]")).to_contain_text("BW-2026-001")

    # The mentor uploads the receipt: the grant is justified.
    page = _grant_page(mentor, grant)
    receipt = page.locator("form[action$='/receipts/']")
    receipt.locator("input[name=file]").set_input_files(
        files=[{"name": "kasticket.pdf", "mimeType": "application/pdf", "buffer": PDF}]
    )
    receipt.locator("button[type=submit]").click()
    mentor.check()
    expect(page.locator("dl")).to_contain_text("Verantwoord")
    link = page.locator("section[aria-labelledby=h-receipts] a")
    expect(link).to_have_count(1)
    grant.refresh_from_db()
    assert grant.status == GrantStatus.JUSTIFIED
    assert [p.reference for p in grant.payments.all()] == ["BW-2026-001"]
    # The coordinators see the receipt; it downloads as the PDF that was uploaded.
    spage = _grant_page(second, grant)
    with spage.expect_download() as download_info:
        spage.locator("section[aria-labelledby=h-receipts] a").click()
    assert Path(download_info.value.path()).read_bytes() == PDF

    # The buddy claims kilometres from their phone.
    today = timezone.localdate()
    expenses.expense_year_set(
        actor=None,
        year=today.year,
        day_ceiling=Decimal("42.31"),
        year_ceiling=Decimal("1692.51"),
        km_rate=Decimal("0.4326"),
        km_ceiling_with_allowance=2000,
        source="test",
    )
    phone = new_journey(viewport=PHONE_VIEWPORT)
    phone.login(w.buddy)
    ppage = phone.page
    phone.visit("/expenses/")
    ppage.locator("input[name=kind][value=allowance]").check()
    ppage.locator("input[name=holder_name]").fill("Bram Buddy")
    ppage.locator("input[name=iban]").fill("BE68 5390 0754 7034")
    ppage.get_by_role("button", name="Begin de nota").click()
    phone.check()
    assert not has_horizontal_scroll(ppage)
    ppage.locator("input[name=category][value=travel]").check()
    ppage.locator("input[name=date]").fill(today.replace(day=1).isoformat())
    ppage.locator("input[name=km]").fill("24")
    ppage.locator("input[name=description]").fill("Naar de school en terug")
    ppage.get_by_role("button", name="Toevoegen").click()
    phone.check()
    assert not has_horizontal_scroll(ppage)
    expect(ppage.locator("main")).to_contain_text("10,38")  # 24 km x € 0,4326
    ppage.get_by_role("button", name="Verstuur de nota").click()
    phone.check()
    assert not has_horizontal_scroll(ppage)
    claim = ExpenseClaim.objects.get(claimant=w.buddy)
    assert claim.status == ClaimStatus.SUBMITTED
    assert claim.total == Decimal("10.38") and claim.iban == IBAN
    assert claim.month == today.replace(day=1) and today - claim.month < dt.timedelta(days=31)
