"""The combined report as a file made by the task worker (issue 14, point 5;
reports/combined_exports.py): one file per request even when the form is sent twice, only
the requester downloads it, and it is deleted after EXPORT_KEEP_DAYS."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from buddywerk.common.audit import AuditAction
from buddywerk.common.models import AuditEvent
from buddywerk.reports.combined_exports import (
    EXPORT_KEEP_DAYS,
    combined_export_request,
    combined_exports_cleanup,
)
from buddywerk.reports.qualitative_models import CombinedExport
from tests.reports.qualitative_world import build_qualitative

pytestmark = pytest.mark.django_db


@pytest.fixture
def q():
    return build_qualitative()


def _ask(client, q, fmt="xlsx"):
    return client.post(reverse("reports:qualitative_export", args=[q.period.pk, fmt]))


def test_a_form_sent_twice_makes_one_file(client, q, django_capture_on_commit_callbacks):
    client.force_login(q.funder)
    with django_capture_on_commit_callbacks(execute=False) as queued:
        assert _ask(client, q).status_code == 302
        assert _ask(client, q).status_code == 302
    assert len(queued) == 1  # one task for the worker
    export = CombinedExport.objects.get()
    assert export.requested_by == q.funder and export.finished_at is None
    assert AuditEvent.objects.filter(action=AuditAction.QUALITATIVE_EXPORT).count() == 1
    page = client.get(reverse("reports:qualitative_period", args=[q.period.pk]))
    assert "wordt gemaakt" in page.content.decode()
    # not made yet: nothing to download
    file_url = reverse("reports:qualitative_export_file", args=[export.uuid])
    assert client.get(file_url).status_code == 404
    # another format is another file
    with django_capture_on_commit_callbacks(execute=False):
        _ask(client, q, "pdf")
    assert CombinedExport.objects.count() == 2


def test_only_the_requester_downloads_the_file(client, q, django_capture_on_commit_callbacks):
    client.force_login(q.funder)
    with django_capture_on_commit_callbacks(execute=True):
        _ask(client, q)
    export = CombinedExport.objects.get()
    assert export.ready and export.content
    file_url = reverse("reports:qualitative_export_file", args=[export.uuid])
    assert client.get(file_url).status_code == 200
    client.force_login(q.admin)  # may make files, but this one is not theirs
    assert client.get(file_url).status_code == 404
    page = client.get(reverse("reports:qualitative_period", args=[q.period.pk]))
    assert file_url not in page.content.decode()
    client.force_login(q.coordinator)
    assert client.get(file_url).status_code == 403


def test_a_file_made_long_ago_is_asked_for_again(q):
    now = timezone.now()
    old = combined_export_request(
        period=q.period, fmt="pdf", actor=q.funder, now=now - dt.timedelta(hours=2)
    )
    again = combined_export_request(period=q.period, fmt="pdf", actor=q.funder, now=now)
    assert again.pk != old.pk  # the first was lost (no worker): a new one is made


def test_files_are_deleted_after_the_keep_days(q):
    now = timezone.now()
    keep = dt.timedelta(days=EXPORT_KEEP_DAYS)
    kept = combined_export_request(period=q.period, fmt="pdf", actor=q.funder, now=now - keep)
    gone = combined_export_request(
        period=q.period, fmt="xlsx", actor=q.funder, now=now - keep - dt.timedelta(seconds=1)
    )
    assert combined_exports_cleanup(now=now) == 1
    assert list(CombinedExport.objects.values_list("pk", flat=True)) == [kept.pk]
    assert not CombinedExport.objects.filter(pk=gone.pk).exists()
