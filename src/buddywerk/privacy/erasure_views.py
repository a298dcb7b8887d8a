"""Erasure on request (issue 15 point 4): pages.

A coordinator opens *Erase data on request* from a referral (`/privacy/erasure/pupil/<uuid>/`
or `.../family/<uuid>/`), sees what will be erased, what is kept and why, and records the
request. The request's page (`/privacy/erasure/<uuid>/`) lets a second person confirm or
refuse it, and the requester cancel it. Out of scope: 404.
"""

from __future__ import annotations

from uuid import UUID

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from buddywerk.access import policy
from buddywerk.buddies.models import Buddy
from buddywerk.common.audit import audit_view, seen
from buddywerk.common.forms import form_submit
from buddywerk.common.http import AuthenticatedHttpRequest
from buddywerk.referrals.models import Family, Pupil

from . import erasure_services
from .erasure_forms import ErasureRefuseForm, ErasureRequestForm
from .erasure_models import ErasureRequest, ErasureStatus
from .erasure_workflow import ERASURE


def _start(request: AuthenticatedHttpRequest, subject: Pupil | Family, name: str) -> HttpResponse:
    form = ErasureRequestForm(request.POST or None)
    if request.method == "GET":
        audit_view(actor=request.user, target=seen(subject, erasure_page=True))
    if request.method == "POST" and form.is_valid():
        created = form_submit(
            form,
            lambda: erasure_services.erasure_request_create(
                actor=request.user,
                subject=subject,
                asked_by=form.cleaned_data["asked_by"],
                asked_on=form.cleaned_data["asked_on"],
            ),
        )
        if created is not None:
            messages.success(
                request, _("The erasure request was recorded. A second person must confirm it.")
            )
            return redirect("privacy:erasure_detail", request_uuid=created.uuid)
    return render(
        request,
        "privacy/erasure_start.html",
        {"form": form, "name": name, "preview": erasure_services.erasure_preview(subject)},
    )


@require_http_methods(["GET", "POST"])
def erasure_pupil(request: AuthenticatedHttpRequest, pupil_uuid: UUID) -> HttpResponse:
    pupil = get_object_or_404(
        policy.pupils_for_access_export(request.user, Pupil.objects.select_related("school")),
        uuid=pupil_uuid,
    )
    return _start(request, pupil, f"{pupil.first_name} {pupil.last_name} ({pupil.school.name})")


@require_http_methods(["GET", "POST"])
def erasure_family(request: AuthenticatedHttpRequest, family_uuid: UUID) -> HttpResponse:
    family = get_object_or_404(
        policy.families_for_access_export(
            request.user, Family.objects.select_related("referred_by")
        ),
        uuid=family_uuid,
    )
    return _start(request, family, f"{family.contact_name} ({family.referred_by.name})")


@require_http_methods(["GET", "POST"])
def erasure_own(request: AuthenticatedHttpRequest) -> HttpResponse:
    """A buddy asks to erase their own account (from the profile)."""
    if not policy.can_request_own_erasure(request.user):
        raise PermissionDenied
    buddy = get_object_or_404(Buddy, user=request.user)
    if request.method == "POST":
        try:
            created = erasure_services.erasure_request_own(actor=request.user)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(
                request, _("Your request was recorded. A platform admin must confirm it.")
            )
            return redirect("privacy:erasure_detail", request_uuid=created.uuid)
    return render(
        request,
        "privacy/erasure_own.html",
        {"preview": erasure_services.erasure_preview_own(buddy)},
    )


@require_GET
def erasure_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    if not policy.can_request_erasures(request.user):
        raise PermissionDenied
    requests = policy.erasure_requests_visible_to(
        request.user, ErasureRequest.objects.select_related("programme")
    )
    return render(request, "privacy/erasure_list.html", {"requests": requests})


def _request_get(request: AuthenticatedHttpRequest, request_uuid: UUID) -> ErasureRequest:
    return get_object_or_404(
        policy.erasure_requests_visible_to(
            request.user,
            ErasureRequest.objects.select_related(
                "programme", "pupil__school", "family__referred_by", "requested_by", "confirmed_by"
            ),
        ),
        uuid=request_uuid,
    )


def _subject_in_scope(request: AuthenticatedHttpRequest, erasure: ErasureRequest) -> str | None:
    """The subject's name, for a user who may see it (the child's coordinators)."""
    if erasure.pupil is not None:
        pupil = erasure.pupil
        if policy.pupils_for_access_export(
            request.user, Pupil.objects.filter(pk=pupil.pk)
        ).exists():
            audit_view(actor=request.user, target=seen(pupil, erasure=erasure.uuid))
            return f"{pupil.first_name} {pupil.last_name} ({pupil.school.name})"
    if erasure.family is not None:
        family = erasure.family
        if policy.families_for_access_export(
            request.user, Family.objects.filter(pk=family.pk)
        ).exists():
            audit_view(actor=request.user, target=seen(family, erasure=erasure.uuid))
            return f"{family.contact_name} ({family.referred_by.name})"
    return None


@require_GET
def erasure_detail(request: AuthenticatedHttpRequest, request_uuid: UUID) -> HttpResponse:
    erasure = _request_get(request, request_uuid)
    subject = erasure.pupil or erasure.family
    name = _subject_in_scope(request, erasure)
    history = erasure.transitions.order_by("at", "id")
    refusal = history.filter(transition="refuse").values_list("reason", flat=True).first()
    return render(
        request,
        "privacy/erasure_detail.html",
        {
            "erasure": erasure,
            "name": name,
            "preview": erasure_services.erasure_preview(subject)
            if subject is not None and name is not None
            else None,
            "refusal": refusal,
            "may_confirm": ERASURE.allows(request.user, erasure, "confirm"),
            "may_refuse": ERASURE.allows(request.user, erasure, "refuse"),
            "may_cancel": ERASURE.allows(request.user, erasure, "cancel"),
            "waits_for_second": erasure.status == ErasureStatus.REQUESTED
            and erasure.requested_by_id == request.user.pk,
            "refuse_form": ErasureRefuseForm(),
        },
    )


@require_POST
def erasure_decide(
    request: AuthenticatedHttpRequest, request_uuid: UUID, decision: str
) -> HttpResponse:
    """Confirm, refuse (with a reason) or cancel; the policy refuses the requester's own
    confirmation (four eyes) with 403, a request in another state with a Dutch message."""
    erasure = _request_get(request, request_uuid)
    try:
        if decision == "confirm":
            erasure_services.erasure_confirm(actor=request.user, request=erasure)
            messages.success(request, _("Confirmed. Today's run erases the data."))
        elif decision == "cancel":
            erasure_services.erasure_cancel(actor=request.user, request=erasure)
            messages.success(request, _("The erasure request was cancelled."))
        elif decision == "refuse":
            form = ErasureRefuseForm(request.POST)
            if not form.is_valid():
                messages.error(request, _("Give a short reason."))
            else:
                erasure_services.erasure_refuse(
                    actor=request.user, request=erasure, reason=form.cleaned_data["reason"]
                )
                messages.success(request, _("The erasure request was refused."))
        else:
            raise Http404
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    except PermissionDenied:
        # The request is in the user's scope (404 otherwise): say why, as the page does.
        if erasure.requested_by_id == request.user.pk and decision != "cancel":
            messages.error(request, _("You recorded this request: a second person decides."))
        else:
            messages.error(request, _("You cannot do this on this request."))
    return redirect("privacy:erasure_detail", request_uuid=erasure.uuid)
