"""Pages of internship supervisors, of buddies (sharing, hours, attestations), of
coordinators (hour totals, partnerships) and the public check of an attestation."""

from __future__ import annotations

from uuid import UUID

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from buddywerk.access import policy
from buddywerk.access.models import Membership, Role
from buddywerk.buddies.models import Buddy
from buddywerk.common.forms import form_submit
from buddywerk.common.http import AuthenticatedHttpRequest
from buddywerk.organisations.models import Programme
from buddywerk.organisations.staff_views import staff_page, staff_revoke_page
from buddywerk.reports.periods import school_year_label, school_year_of

from . import selectors, services
from .forms import AttestationCheckForm, PartnershipForm, SharingForm, SupervisorInviteForm
from .models import HoursAttestation
from .pdf import render_pdf


def _require(allowed: bool) -> None:
    """The page's policy predicate said no: 403 (objects out of scope answer 404)."""
    if not allowed:
        raise PermissionDenied


def _pdf(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


# --- Supervisors ----------------------------------------------------------------------


@require_GET
def student_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    _require(policy.can_list_students(request.user))
    rows = [
        (buddy, selectors.hours_per_school_year(buddy))
        for buddy in selectors.students_of(user=request.user)
    ]
    return render(request, "internships/student_list.html", {"rows": rows})


@require_GET
def student_detail(request: AuthenticatedHttpRequest, buddy_uuid: UUID) -> HttpResponse:
    _require(policy.can_list_students(request.user))
    buddy = selectors.student_get(user=request.user, buddy_uuid=buddy_uuid)
    file = selectors.internship_file(buddy)
    return render(request, "internships/student_detail.html", {"buddy": buddy, "file": file})


@require_GET
def student_pdf(request: AuthenticatedHttpRequest, buddy_uuid: UUID) -> HttpResponse:
    _require(policy.can_list_students(request.user))
    buddy = selectors.student_get(user=request.user, buddy_uuid=buddy_uuid)
    services.internship_file_exported(actor=request.user, buddy=buddy)
    pdf = render_pdf(
        "internships/internship_file_pdf.html", {"file": selectors.internship_file(buddy)}
    )
    return _pdf(pdf, "stagedossier.pdf")


@require_GET
def supervisors_home(request: AuthenticatedHttpRequest) -> HttpResponse:
    _require(policy.can_see_supervisor_pages(request.user))
    institutions = list(selectors.institutions_led(user=request.user))
    return render(request, "internships/supervisors_home.html", {"institutions": institutions})


def supervisors(request: AuthenticatedHttpRequest, institution_uuid: UUID) -> HttpResponse:
    _require(policy.can_see_supervisor_pages(request.user))
    institution = selectors.institution_get_led(
        user=request.user, institution_uuid=institution_uuid
    )
    form = SupervisorInviteForm(request.POST or None)
    if not policy.is_platform_admin(request.user):
        del form.fields["is_contact"]  # only a platform admin names the contact
    staff = (
        Membership.objects.active()
        .filter(organisation=institution, role=Role.INTERNSHIP_SUPERVISOR)
        .select_related("user")
        .order_by("-is_lead", "user__last_name")
    )
    return staff_page(
        request,
        form=form,
        # The form's fields are the service's arguments (is_contact: a platform admin's).
        invite=lambda data: services.supervisor_invite(
            actor=request.user, institution=institution, **data
        ),
        here=reverse("internships:supervisors", args=[institution.uuid]),
        template="internships/supervisors.html",
        context={"institution": institution, "staff": staff},
    )


@require_POST
def supervisor_revoke(
    request: AuthenticatedHttpRequest, institution_uuid: UUID, user_uuid: UUID
) -> HttpResponse:
    _require(policy.can_see_supervisor_pages(request.user))
    institution = selectors.institution_get_led(
        user=request.user, institution_uuid=institution_uuid
    )
    return staff_revoke_page(
        request,
        organisation=institution,
        role=Role.INTERNSHIP_SUPERVISOR,
        user_uuid=user_uuid,
        revoke=lambda membership: services.supervisor_revoke(
            actor=request.user, institution=institution, membership=membership
        ),
        done=lambda membership: _("The access is revoked."),
        here=reverse("internships:supervisors", args=[institution.uuid]),
    )


# --- Partnerships -------------------------------------------------------------------


def partnerships(request: AuthenticatedHttpRequest) -> HttpResponse:
    _require(policy.can_manage_partnerships(request.user))
    programmes = policy.partnership_programmes_of(request.user, Programme.objects.order_by("name"))
    form = PartnershipForm(request.POST or None, programmes=programmes)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        saved = form_submit(
            form,
            # The form's fields are the service's arguments.
            lambda: services.partnership_save(actor=request.user, **data),
        )
        if saved is not None:
            messages.success(request, _("The partnership is recorded."))
            return redirect("internships:partnerships")
    context = {"partnerships": selectors.partnerships_of(user=request.user), "form": form}
    return render(request, "internships/partnerships.html", context)


# --- Buddies: sharing, hours, attestations ------------------------------------------


def _own_buddy(request: AuthenticatedHttpRequest) -> Buddy:
    return get_object_or_404(
        Buddy.objects.select_related("training_institution"), user=request.user
    )


def sharing(request: AuthenticatedHttpRequest) -> HttpResponse:
    _require(policy.can_share_with_institution(request.user))
    buddy = _own_buddy(request)
    consent = selectors.consent_in_force(buddy)
    form = SharingForm(request.POST or None, initial={"institution": buddy.training_institution_id})
    if request.method == "POST" and form.is_valid():
        given = form_submit(
            form,
            lambda: services.sharing_consent_give(
                actor=request.user, institution=form.cleaned_data["institution"]
            ),
        )
        if given is not None:
            messages.success(request, _("Your institution can now see your internship file."))
            return redirect("internships:sharing")
    return render(request, "internships/sharing.html", {"consent": consent, "form": form})


@require_POST
def sharing_revoke(request: AuthenticatedHttpRequest) -> HttpResponse:
    _require(policy.can_share_with_institution(request.user))
    try:
        services.sharing_consent_revoke(actor=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Your institution no longer sees your internship file."))
    return redirect("internships:sharing")


@require_GET
def hours(request: AuthenticatedHttpRequest) -> HttpResponse:
    _require(policy.can_view_own_hours(request.user))
    buddy = _own_buddy(request)
    context = {
        "years": selectors.hours_per_school_year(buddy),
        "attestations": buddy.hours_attestations.all(),
    }
    return render(request, "internships/hours.html", context)


@require_POST
def attestation_create(request: AuthenticatedHttpRequest, school_year: int) -> HttpResponse:
    _require(policy.can_view_own_hours(request.user))
    try:
        attestation = services.attestation_issue(actor=request.user, school_year=school_year)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("internships:hours")
    return redirect("internships:attestation_pdf", code=attestation.code)


@require_GET
def attestation_pdf(request: AuthenticatedHttpRequest, code: str) -> HttpResponse:
    """The buddy's own attestation (another buddy's code answers 404 here)."""
    _require(policy.can_view_own_hours(request.user))
    attestation = get_object_or_404(
        HoursAttestation.objects.select_related("buddy__user"), code=code, buddy__user=request.user
    )
    context = {
        "attestation": attestation,
        "name": request.user.get_full_name() or request.user.email,
        "year_label": school_year_label(attestation.school_year),
        "check_url": request.build_absolute_uri(reverse("internships:attestation_check")),
    }
    return _pdf(render_pdf("internships/attestation_pdf.html", context), "uren-attest.pdf")


@login_not_required
@require_GET
def attestation_check(request: HttpRequest) -> HttpResponse:
    """Anyone with the code checks an attestation: the buddy's name, the school year, the
    hours and the programmes; never a pupil."""
    form = AttestationCheckForm(request.GET or None)
    attestation = None
    checked = False
    if form.is_bound and form.is_valid():
        checked = True
        attestation = (
            HoursAttestation.objects.select_related("buddy__user")
            .filter(code=form.cleaned_data["code"].strip(), buddy__user__is_active=True)
            .first()
        )
    context = {
        "form": form,
        "checked": checked,
        "attestation": attestation,
        "name": attestation.buddy.user.get_full_name() if attestation else "",
        "year_label": school_year_label(attestation.school_year) if attestation else "",
    }
    return render(request, "internships/attestation_check.html", context)


# --- Coordinators: totals per buddy ---------------------------------------------------


@require_GET
def hour_totals(request: AuthenticatedHttpRequest) -> HttpResponse:
    _require(policy.can_view_hour_totals(request.user))
    programmes = list(
        policy.hour_total_programmes_of(request.user, Programme.objects.order_by("name"))
    )
    chosen = request.GET.get("programme", "")
    programme = next((p for p in programmes if str(p.uuid) == chosen), None)
    if programme is None and programmes:
        programme = programmes[0]
    from django.utils import timezone

    current = school_year_of(timezone.localdate())
    try:
        year = int(request.GET.get("year", current))
    except ValueError:
        year = current
    if not current - 10 <= year <= current:
        year = current
    totals = selectors.hour_totals(programme=programme, school_year=year) if programme else []
    context = {
        "programmes": programmes,
        "programme": programme,
        "year": year,
        "year_label": school_year_label(year),
        "years": [(y, school_year_label(y)) for y in range(current, current - 5, -1)],
        "totals": totals,
    }
    return render(request, "internships/hour_totals.html", context)
