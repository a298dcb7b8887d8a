"""The processing register and the privacy notice (issue 15, point 6): both are made from
the retention schedule, so changing the schedule changes them and nothing is copied by
hand; the register is for platform admins and downloads as a PDF."""

import dataclasses
import io
from pathlib import Path

import pytest
from django.urls import reverse
from django.utils import translation
from pypdf import PdfReader

from buddywerk.privacy import register, schedule
from buddywerk.privacy.register import (
    AUDIENCES,
    FACTS,
    LATER,
    processing_register,
    register_markdown,
)
from buddywerk.privacy.schedule import RULES, SCHEDULE, DataKind
from tests.factories import OrganisationFactory, UserFactory, member

pytestmark = pytest.mark.django_db

DOCS = Path(__file__).resolve().parents[2] / "docs" / "privacy.md"


def _admin():
    umbrella = OrganisationFactory(kind="umbrella")
    return member(UserFactory(is_staff=True), umbrella, "platform_admin")


def test_every_kind_of_the_schedule_has_its_facts_and_its_row_in_order():
    assert set(FACTS) == set(DataKind)
    activities = processing_register()
    assert [a.rule for a in activities[: len(SCHEDULE)]] == list(SCHEDULE)
    assert len(activities) == len(SCHEDULE) + len(LATER)
    for activity in activities:
        facts = activity.facts
        assert all(str(x) for x in (facts.purpose, facts.subjects, facts.categories))
        assert facts.audiences and str(facts.recipients) and str(facts.legal_basis)


# Wave 7 (issues 20 and 21): each later processing goes with the kind of data the code
# erases it with (privacy/purge.py for a pupil's or family's data, account_anonymise for
# a buddy's account), so its period is that kind's.
WAVE_7 = {
    "Study grants": DataKind.PARTICIPANT,  # funds.services.grants_anonymise in the purge
    "Volunteer expense claims": DataKind.INACTIVE_ACCOUNT,  # expense_claims_anonymise
    "Internships: consent to share, hours attestations": DataKind.INACTIVE_ACCOUNT,
    "A family's contact persons and the messages sent to them": DataKind.PARTICIPANT,
    "A pupil's study track and dream": DataKind.PARTICIPANT,  # fields of the referral
    "A mentor's or role model's own path": DataKind.INACTIVE_ACCOUNT,
}


def test_the_processings_of_wave_7_are_in_the_register_with_their_rule():
    with translation.override("en"):
        later = {a.name: a for a in processing_register() if a.later}
        assert set(later) == set(WAVE_7)
        for name, kind in WAVE_7.items():
            activity = later[name]
            assert activity.rule == RULES[kind.value]
            assert "art. 6(1)" in str(activity.facts.legal_basis)
            assert activity.retention.startswith(
                f"{schedule.period_text(activity.rule.period_days)}, "
            )
            assert activity.how and activity.how in activity.retention
        assert "IBAN" in str(later["Volunteer expense claims"].facts.categories)
        assert "never origin or ethnicity" in str(
            later["A mentor's or role model's own path"].facts.categories
        )
        assert "only when the buddy chose so" in str(
            later["A mentor's or role model's own path"].facts.recipients
        )
    markdown = register_markdown()
    assert "| legal basis |" in markdown
    assert "| Study grants | Pay for a pupil's materials" in markdown
    assert (
        "| Volunteer expense claims |" in markdown and "24 months, after the last login" in markdown
    )


def test_a_changed_schedule_changes_the_period_of_a_later_processing(monkeypatch):
    longer = tuple(
        dataclasses.replace(rule, days=60) if rule.kind == DataKind.PARTICIPANT else rule
        for rule in schedule.SCHEDULE
    )
    monkeypatch.setattr(schedule, "SCHEDULE", longer)
    with translation.override("en"):
        grants = next(a for a in processing_register() if a.name == "Study grants")
        assert grants.retention.startswith("2 months, after their last referral or duo ends. ")


def test_the_notice_tells_each_audience_of_its_later_processings(client):
    page = " ".join(client.get(reverse("privacy")).content.decode().split())
    assert "<strong>Studiebeurzen.</strong>" in page
    assert "<strong>Onkostennota&#x27;s van vrijwilligers.</strong>" in page
    with translation.override("en"):
        family = {a.name for a in register.notice("family")}
        buddy = {a.name for a in register.notice("buddy")}
    assert "A family's contact persons and the messages sent to them" in family
    assert "Volunteer expense claims" in buddy and "Volunteer expense claims" not in family
    assert "A mentor's or role model's own path" in buddy


def test_the_docs_hold_the_register_the_code_makes():
    """docs/privacy.md holds `register_markdown()`; regenerate with `buddywerk
    privacy_register` after a change to the schedule or the facts."""
    assert register_markdown() in DOCS.read_text()


def test_a_changed_schedule_changes_the_register_and_the_notice(client, monkeypatch):
    """No period is copied: shorten one in the schedule and every place follows."""
    shorter = tuple(
        dataclasses.replace(rule, days=7) if rule.kind == DataKind.MAIL_BODY else rule
        for rule in schedule.SCHEDULE
    )
    monkeypatch.setattr(schedule, "SCHEDULE", shorter)
    assert "| 7 days, after the mail is sent |" in register_markdown()
    page = " ".join(client.get(reverse("privacy")).content.decode().split())
    assert "We bewaren het 7 dagen, nadat de mail verstuurd is." in page
    client.force_login(_admin())
    register_page = " ".join(client.get(reverse("privacy:register")).content.decode().split())
    assert "7 dagen, nadat de mail verstuurd is" in register_page


def test_the_privacy_page_speaks_to_each_audience_in_dutch_and_english(client):
    page = client.get(reverse("privacy")).content.decode()
    for code, _heading in AUDIENCES:
        assert f'id="notice-{code}"' in page
    assert "Voor leerlingen en gezinnen" in page and "Voor de subsidiegever" in page
    assert "Je mag vragen om alles te zien wat we over jou of je kind bewaren" in page
    # The family is told about its own data and the audit, not about buddies' extracts.
    family = register.notice("family")
    kinds = {a.rule.kind for a in family}
    assert DataKind.PARTICIPANT in kinds and DataKind.AUDIT in kinds
    assert DataKind.EXTRACT_FACT not in kinds
    with translation.override("en"):
        client.cookies["django_language"] = "en"
        english = client.get(reverse("privacy"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "For pupils and families" in english
    assert "You can ask to see everything we keep about you or your child" in english


def test_the_register_is_shown_to_platform_admins_and_downloads_as_pdf(client):
    client.force_login(_admin())
    page = client.get(reverse("privacy:register")).content.decode()
    assert page.count("<tr>") == len(processing_register()) + 1
    assert "Verwerkingsregister" in page
    response = client.get(reverse("privacy:register_pdf"))
    assert response["Content-Type"] == "application/pdf"
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
    text = " ".join(text.split())
    assert "Verwerkingsregister" in text
    for activity in processing_register():
        with translation.override("nl-be"):
            purpose = " ".join(str(activity.facts.purpose).split())
        assert purpose[:30] in text, purpose
