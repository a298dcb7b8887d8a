"""Tasks of the reports app. The deadline reminder mail is written by the service in its
own transaction (services.report_reminder_mail); no task renders a new mail.

`send_report_reminder` stays only for jobs an older release queued before it wrote mail in
the service's transaction (issue 12): it writes the same mail the service writes now.
Nothing enqueues it any more; drop it once no deployment can hold such a job.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.tasks import task


@task
def send_report_reminder(programme_id: int, kind: str, due_on: str) -> None:
    """An old queued job: tell the programme's coordinators that a report is due."""
    from buddywerk.organisations.models import Programme

    from .services import report_reminder_mail

    programme = Programme.objects.filter(pk=programme_id).first()
    if programme is not None:
        with transaction.atomic():
            report_reminder_mail(programme=programme, kind=kind, due=dt.date.fromisoformat(due_on))


@task
def combined_export_build(export_id: int) -> None:
    """Make a combined report file that a funder or platform admin asked for."""
    from .combined_exports import combined_export_build as build
    from .qualitative_models import CombinedExport

    export = (
        CombinedExport.objects.select_related("period", "requested_by")
        .filter(pk=export_id, finished_at__isnull=True)
        .first()
    )
    if export is not None:
        build(export)


@task
def report_refresh(*, user_id: int, query: str, language: str) -> None:
    """Compute the funder's report a reader was served from the store again, as that reader
    would now see it (store.py: refreshed ahead, before its freshness window runs out).
    Nothing when the reader may no longer open it."""
    from django.contrib.auth import get_user_model
    from django.http import QueryDict
    from django.utils import translation

    from buddywerk.access import policy

    from .forms import ReportForm
    from .store import computed_and_stored

    user = get_user_model().objects.filter(pk=user_id, is_active=True).first()
    if user is None or not policy.can_view_reports(user):
        return
    with translation.override(language):
        form = ReportForm(QueryDict(query), user=user)
        if form.is_valid() and not form.hides_municipality():
            computed_and_stored(form)
