"""The study grant's page and its receipts (issue 21, point 6). A grant outside the
user's scope answers 404 (funds/selectors.py); a receipt is served only to those who see
its grant, never by the web server from the media folder."""

from __future__ import annotations

from uuid import UUID

from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_http_methods

from buddywerk.common.audit import audit_view
from buddywerk.common.http import AuthenticatedHttpRequest

from . import selectors
from .services import grant_paid_total
from .workflow import GRANT


@require_http_methods(["GET", "HEAD"])
def grant_detail(request: AuthenticatedHttpRequest, grant_uuid: UUID) -> HttpResponse:
    grant = selectors.grant_get_for(request.user, grant_uuid=grant_uuid)
    if grant.pupil is not None:
        audit_view(actor=request.user, target=grant.pupil)
    return render(
        request,
        "funds/grant_detail.html",
        {
            "grant": grant,
            "paid": grant_paid_total(grant),
            "payments": list(grant.payments.all()),
            "receipts": list(grant.receipts.all()),
            "history": [
                (step.at, GRANT.state_label(step.to_status), step.reason)
                for step in grant.transitions.all()
            ],
        },
    )


@require_http_methods(["GET", "HEAD"])
def grant_receipt(
    request: AuthenticatedHttpRequest, grant_uuid: UUID, receipt_id: int
) -> HttpResponse:
    receipt = selectors.grant_receipt_get_for(
        request.user, grant_uuid=grant_uuid, receipt_id=receipt_id
    )
    try:
        with receipt.file.open("rb") as handle:
            body = handle.read()  # at most 10 MB (receipts.MAX_BYTES)
    except (FileNotFoundError, OSError) as exc:
        raise Http404 from exc
    extension = (receipt.file.name or "").rsplit(".", 1)[-1]
    response = HttpResponse(body, content_type=receipt.content_type)
    response["Content-Disposition"] = f'attachment; filename="receipt-{receipt.pk}.{extension}"'
    # A receipt is never a page: no scripts, whatever the file holds.
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response
