"""Access on request (issue 15 point 5) and the processing register (point 6): pages.

A coordinator opens the access page of a pupil or family (`/privacy/access/pupil/<uuid>/`),
makes the export (POST) and gets a page with two download links (PDF, JSON) that expire
after `access_export.LINK_MINUTES` and work only for them. A buddy does the same for
themselves on `/privacy/my-data/`. Out of scope, expired or someone else's: 404.
"""

from __future__ import annotations

import datetime as dt
from typing import Any
from uuid import UUID

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from buddywerk.access import policy
from buddywerk.buddies.models import Buddy
from buddywerk.common.audit import audit_view, seen
from buddywerk.common.http import AuthenticatedHttpRequest
from buddywerk.referrals.models import Family, Pupil

from . import access_export, access_services, register

CONTENT_TYPES = {"pdf": "application/pdf", "json": "application/json; charset=utf-8"}


def _start(
    request: AuthenticatedHttpRequest,
    subject: Pupil | Family | Buddy,
    template_context: dict[str, Any],
) -> HttpResponse:
    if request.method == "POST":
        token = access_services.access_export_create(actor=request.user, subject=subject)
        return redirect("privacy:access_ready", token=token)
    context = {"own": False, "link_minutes": access_export.LINK_MINUTES, **template_context}
    return render(request, "privacy/access_start.html", context)


@require_http_methods(["GET", "POST"])
def access_pupil(request: AuthenticatedHttpRequest, pupil_uuid: UUID) -> HttpResponse:
    pupil = get_object_or_404(
        policy.pupils_for_access_export(request.user, Pupil.objects.select_related("school")),
        uuid=pupil_uuid,
    )
    if request.method == "GET":
        audit_view(actor=request.user, target=seen(pupil, access_export_page=True))
    return _start(
        request,
        pupil,
        {"name": f"{pupil.first_name} {pupil.last_name}", "where": pupil.school.name},
    )


@require_http_methods(["GET", "POST"])
def access_family(request: AuthenticatedHttpRequest, family_uuid: UUID) -> HttpResponse:
    family = get_object_or_404(
        policy.families_for_access_export(
            request.user, Family.objects.select_related("referred_by")
        ),
        uuid=family_uuid,
    )
    if request.method == "GET":
        audit_view(actor=request.user, target=seen(family, access_export_page=True))
    return _start(request, family, {"name": family.contact_name, "where": family.referred_by.name})


@require_http_methods(["GET", "POST"])
def my_data(request: AuthenticatedHttpRequest) -> HttpResponse:
    """A buddy's own export (GDPR Art. 15), from the profile."""
    if not policy.can_export_own_data(request.user):
        raise PermissionDenied
    buddy = get_object_or_404(Buddy, user=request.user)
    return _start(request, buddy, {"own": True})


def _link(
    request: AuthenticatedHttpRequest, token: str
) -> tuple[access_export.ExportLink, Pupil | Family | Buddy]:
    link = access_export.export_read(token, user=request.user)
    if link is None:
        raise Http404
    subject = access_services.access_export_subject(link, user=request.user)
    if subject is None:
        raise Http404
    return link, subject


@require_GET
def access_ready(request: AuthenticatedHttpRequest, token: str) -> HttpResponse:
    """The two download links of an export, and until when they work."""
    link, _subject = _link(request, token)
    event = access_services.export_event(link)
    made_at = timezone.localtime(event.at if event else timezone.now())
    return render(
        request,
        "privacy/access_ready.html",
        {
            "token": token,
            "expires_at": made_at + dt.timedelta(minutes=access_export.LINK_MINUTES),
            "subject_label": access_export.subject_label(link.subject_type),
        },
    )


@require_GET
def access_download(
    request: AuthenticatedHttpRequest, token: str, file_format: str
) -> HttpResponse:
    if file_format not in CONTENT_TYPES:
        raise Http404
    link, subject = _link(request, token)
    content = access_services.access_export_download(
        actor=request.user,
        link=link,
        subject=subject,
        file_format=file_format,
    )
    response = HttpResponse(content, content_type=CONTENT_TYPES[file_format])
    # The file name names no one: the export's audit event number.
    response["Content-Disposition"] = (
        f'attachment; filename="buddywerk-gegevens-{link.event_id}.{file_format}"'
    )
    response["Cache-Control"] = "no-store"
    return response


@require_GET
def processing_register(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The processing register (GDPR Art. 30), drawn from the retention schedule."""
    if not policy.can_view_processing_register(request.user):
        raise PermissionDenied
    return render(
        request,
        "privacy/register.html",
        {"activities": register.processing_register(), "measures": register.SECURITY_MEASURES},
    )


@require_GET
def processing_register_pdf(request: AuthenticatedHttpRequest) -> HttpResponse:
    if not policy.can_view_processing_register(request.user):
        raise PermissionDenied
    response = HttpResponse(register.register_pdf(), content_type="application/pdf")
    response["Content-Disposition"] = 'attachment; filename="buddywerk-verwerkingsregister.pdf"'
    return response
