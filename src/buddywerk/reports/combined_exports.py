"""The combined report as a file made by the task worker (issue 14, point 5).

A funder or platform admin asks for the PDF or the XLSX of a period's combined report on
the period's page; the task worker makes it (a report per programme takes longer than a
page may wait at the scale of Flanders) and the requester downloads it from the same page.
Asking again while a file of the same period and format is being made gives that one (a
form sent twice makes one file). Only the requester can download a file; files are deleted
EXPORT_KEEP_DAYS after they were asked for (the scheduled job `combined-exports-cleanup`).
"""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from buddywerk.access import policy
from buddywerk.common.audit import AuditAction, audit_record

from . import qualitative_export
from .qualitative_models import CombinedExport, CombinedExportFormat, QualitativePeriod

logger = logging.getLogger(__name__)

EXPORT_KEEP_DAYS = 7
# A file not made within this time is taken as lost (a worker stopped): asking again
# makes a new one.
EXPORT_STALE = dt.timedelta(hours=1)


def exports_of(user: Any, period: QualitativePeriod) -> QuerySet[CombinedExport]:
    """The user's files of the period, newest first (only the requester sees a file)."""
    return CombinedExport.objects.filter(period=period, requested_by=user).defer("content")


def combined_export_request(
    *, period: QualitativePeriod, fmt: str, actor: Any, now: dt.datetime | None = None
) -> CombinedExport:
    """Ask for the combined report of `period` as `fmt` (pdf or xlsx); the worker makes it
    after the commit. An unfinished file of the same period and format is given back."""
    if not policy.can_configure_qualitative(actor):
        raise PermissionDenied
    if fmt not in CombinedExportFormat.values:
        raise ValidationError({"fmt": [_("Choose PDF or Excel.")]})
    now = now or timezone.now()
    with transaction.atomic():
        pending = (
            exports_of(actor, period)
            .select_for_update()
            .filter(fmt=fmt, finished_at__isnull=True, requested_at__gt=now - EXPORT_STALE)
            .first()
        )
        if pending is not None:
            return pending
        export = CombinedExport.objects.create(
            period=period, fmt=fmt, requested_by=actor, requested_at=now
        )
        audit_record(
            actor=actor,
            action=AuditAction.QUALITATIVE_EXPORT,
            target=period,
            detail={"export": str(export.uuid), "format": fmt},
        )
        from .tasks import combined_export_build

        transaction.on_commit(lambda: combined_export_build.enqueue(export_id=export.pk))
    return export


def combined_export_build(export: CombinedExport) -> None:
    """Make the file, as its requester may see the figures (the worker's part)."""
    try:
        combined = qualitative_export.build_combined(export.period, user=export.requested_by)
        if export.fmt == CombinedExportFormat.XLSX:
            body = qualitative_export.to_xlsx(combined)
        else:
            body = qualitative_export.to_pdf(combined)
    except Exception:
        logger.exception("combined export %s failed", export.uuid)
        export.failed = True
        export.finished_at = timezone.now()
        export.save(update_fields=["failed", "finished_at"])
        return
    export.content = body
    export.filename = f"{combined.filename}.{export.fmt}"
    export.finished_at = timezone.now()
    export.save(update_fields=["content", "filename", "finished_at"])


def combined_exports_cleanup(*, now: dt.datetime) -> int:
    """Delete the files asked for more than EXPORT_KEEP_DAYS ago."""
    old = CombinedExport.objects.filter(requested_at__lt=now - dt.timedelta(days=EXPORT_KEEP_DAYS))
    return old.delete()[0]
