"""The retention schedule in one place (issue 15, point 2): the table in code is what the
privacy page and docs/privacy.md show, AUDIT_RETENTION_DAYS is read by it, and a programme
may shorten its periods but never lengthen them."""

from pathlib import Path

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from buddywerk.common.models import AuditEvent
from buddywerk.privacy import services
from buddywerk.privacy.models import RetentionOverride
from buddywerk.privacy.schedule import (
    OVERRIDABLE,
    RULES,
    SCHEDULE,
    DataKind,
    retention_days,
    schedule_markdown,
)
from buddywerk.referrals import consent_services
from buddywerk.referrals.models import MAX_ERASURE_GRACE_DAYS
from tests.factories import ProgrammeFactory
from tests.matching.helpers import coordinator_of

pytestmark = pytest.mark.django_db

DOCS = Path(__file__).resolve().parents[2] / "docs" / "privacy.md"


def test_every_kind_of_data_has_one_rule_with_a_reason():
    assert [rule.kind for rule in SCHEDULE] == list(DataKind)
    assert all(rule.period_days > 0 and str(rule.reason) for rule in SCHEDULE)


def test_the_docs_show_the_schedule_of_the_code():
    """docs/privacy.md holds the table `schedule_markdown()` makes; regenerate it with
    `buddywerk privacy_schedule` after a change to privacy/schedule.py."""
    assert schedule_markdown() in DOCS.read_text()


def test_the_audit_period_is_the_setting(settings):
    settings.AUDIT_RETENTION_DAYS = 400
    assert retention_days(DataKind.AUDIT) == 400
    assert "400 days (`AUDIT_RETENTION_DAYS`)" in schedule_markdown()


def test_the_privacy_page_shows_the_schedule(client, settings):
    settings.AUDIT_RETENTION_DAYS = 3 * 365
    page = client.get(reverse("privacy")).content.decode()
    assert "Hoelang we gegevens bewaren" in page
    assert "3 jaar" in page and "12 maanden" in page
    assert page.count("<tr>") == len(SCHEDULE) + 1


def test_the_waiting_time_after_a_withdrawal_is_bounded_by_the_schedule():
    assert MAX_ERASURE_GRACE_DAYS == RULES[DataKind.AFTER_WITHDRAWAL].days
    assert DataKind.AFTER_WITHDRAWAL not in {rule.kind for rule in OVERRIDABLE}


def test_the_consent_text_cannot_wait_longer_than_the_schedule():
    programme = ProgrammeFactory()
    coordinator = coordinator_of(programme)
    limit = RULES[DataKind.AFTER_WITHDRAWAL].days
    publish = consent_services.consent_text_publish
    assert (
        publish(
            actor=coordinator,
            programme=programme,
            text="Tekst",
            pupil_may_consent=False,
            erasure_grace_days=limit,
        ).erasure_grace_days
        == limit
    )
    with pytest.raises(ValidationError):
        publish(
            actor=coordinator,
            programme=programme,
            text="Tekst",
            pupil_may_consent=False,
            erasure_grace_days=limit + 1,
        )


def test_a_programme_shortens_a_period_but_never_lengthens_it():
    programme = ProgrammeFactory()
    other = ProgrammeFactory()
    coordinator = coordinator_of(programme)
    kind = DataKind.PARTICIPANT
    limit = RULES[kind].period_days

    # The schedule's own period is allowed (the boundary); one day more is not.
    services.retention_override_set(actor=coordinator, programme=programme, kind=kind, days=limit)
    with pytest.raises(ValidationError) as error:
        services.retention_override_set(
            actor=coordinator, programme=programme, kind=kind, days=limit + 1
        )
    assert "alleen korter" in error.value.message_dict[kind][0]
    assert retention_days(kind, programme) == limit

    services.retention_override_set(actor=coordinator, programme=programme, kind=kind, days=90)
    assert retention_days(kind, programme) == 90
    assert retention_days(kind, other) == limit  # another programme keeps the schedule
    assert retention_days(kind) == limit
    assert AuditEvent.objects.filter(action="retention.set").count() == 2

    with pytest.raises(ValidationError):
        services.retention_override_set(actor=coordinator, programme=programme, kind=kind, days=0)
    with pytest.raises(ValidationError) as error:
        services.retention_override_set(
            actor=coordinator, programme=programme, kind=DataKind.AUDIT, days=10
        )
    assert "kan deze termijn niet" in error.value.message_dict["kind"][0]
    with pytest.raises(PermissionDenied):
        services.retention_override_set(
            actor=coordinator_of(other), programme=programme, kind=kind, days=10
        )
    assert retention_days(kind, programme) == 90

    services.retention_override_set(actor=coordinator, programme=programme, kind=kind, days=None)
    assert retention_days(kind, programme) == limit
    assert not RetentionOverride.objects.exists()


def test_the_coordinator_shortens_periods_on_the_page_all_or_nothing(client):
    programme = ProgrammeFactory()
    client.force_login(coordinator_of(programme))
    url = reverse("privacy:retention_edit", args=[programme.uuid])
    assert "Gegevens korter bewaren" in client.get(url).content.decode()
    too_long = RULES[DataKind.FOLLOWUP].period_days + 1
    response = client.post(url, {DataKind.PARTICIPANT: "30", DataKind.FOLLOWUP: str(too_long)})
    assert response.status_code == 200
    assert "alleen korter" in response.content.decode()
    assert not RetentionOverride.objects.exists()
    response = client.post(url, {DataKind.PARTICIPANT: "30", DataKind.FOLLOWUP: ""})
    assert response.status_code == 302
    assert retention_days(DataKind.PARTICIPANT, programme) == 30
    page = client.get(reverse("privacy:retention")).content.decode()
    assert "1 maand" in page
