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
from buddywerk.privacy.register import AUDIENCES, FACTS, processing_register, register_markdown
from buddywerk.privacy.schedule import SCHEDULE, DataKind
from tests.factories import OrganisationFactory, UserFactory, member

pytestmark = pytest.mark.django_db

DOCS = Path(__file__).resolve().parents[2] / "docs" / "privacy.md"


def _admin():
    umbrella = OrganisationFactory(kind="umbrella")
    return member(UserFactory(is_staff=True), umbrella, "platform_admin")


def test_every_kind_of_the_schedule_has_its_facts_and_its_row_in_order():
    assert set(FACTS) == set(DataKind)
    assert [a.rule for a in processing_register()] == list(SCHEDULE)
    for activity in processing_register():
        facts = activity.facts
        assert all(str(x) for x in (facts.purpose, facts.subjects, facts.categories))
        assert facts.audiences and str(facts.recipients)


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
    assert page.count("<tr>") == len(SCHEDULE) + 1
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
