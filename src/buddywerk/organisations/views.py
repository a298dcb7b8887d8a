"""The public finder and programme pages, school registration, its confirmation by a
platform admin, and the care coordinator's staff page."""

from __future__ import annotations

from uuid import UUID

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from buddywerk.access import policy
from buddywerk.access.models import Role
from buddywerk.common.forms import form_submit
from buddywerk.common.http import AuthenticatedHttpRequest
from buddywerk.common.public_forms import PublicFormThrottled, honeypot_filled, public_form_consume
from buddywerk.coverage.public import finder_map, programme_map

from . import selectors, services
from .forms import (
    DeclineForm,
    FinderForm,
    JoinForm,
    SchoolRegistrationForm,
    ServiceForm,
    ServiceStaffInviteForm,
    StaffInviteForm,
)
from .models import Programme, School
from .staff_views import staff_page, staff_revoke_page


def _referral_url(programme: Programme) -> str:
    """Where school or service staff ask this programme for a buddy (the referrals app)."""
    url = reverse("referrals:create_pupil" if programme.takes_pupils else "referrals:create_family")
    return f"{url}?programme={programme.uuid}"


def _finder(request: HttpRequest, form_class: type[FinderForm], audience: str) -> HttpResponse:
    form = form_class(request.GET or None)
    results = None
    results_map = None
    if form.is_bound and form.is_valid():
        criteria = form.criteria()
        results = selectors.programme_find(criteria)
        # Issue 19: a small map of the programmes found, drawn on the server.
        results_map = finder_map(criteria.place, [r.programme.pk for r in results])
    context = {
        "form": form,
        "results": results,
        "results_map": results_map,
        "audience": audience,
        "lookup": form.lookup,
    }
    template = "organisations/finder.html"
    if request.htmx:  # type: ignore[attr-defined]
        template += "#finder"
    return render(request, template, context)


@login_not_required
@require_GET
def programme_finder(request: HttpRequest) -> HttpResponse:
    """Anyone finds the programmes for a place (seed 002, "zoekmachine")."""
    return _finder(request, FinderForm, "schools")


@login_not_required
@require_GET
def programme_join(request: HttpRequest) -> HttpResponse:
    """A volunteer finds the programmes they could join from their postcode."""
    return _finder(request, JoinForm, "buddies")


@login_not_required
@require_GET
def programme_detail(request: HttpRequest, programme_uuid: UUID) -> HttpResponse:
    programme = selectors.programme_get_public(programme_uuid=programme_uuid)
    buddy_url = reverse("buddies:register_start")
    municipalities = list(programme.municipalities.all())
    context = {
        "programme": programme,
        "municipalities": municipalities,
        "coverage_map": programme_map(programme, [m.nis_code for m in municipalities]),
        "buddy_register_url": f"{buddy_url}?programme={programme.uuid}",
        "referral_url": _referral_url(programme),
    }
    return render(request, "organisations/programme_detail.html", context)


# --- School registration ---------------------------------------------------------------


@login_not_required
def school_register(request: HttpRequest) -> HttpResponse:
    if request.method == "POST" and honeypot_filled(request):
        # A bot: the same page as a person gets, and nothing stored or sent.
        return redirect("organisations:school_register_done")
    form = SchoolRegistrationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        resent = selectors.school_registration_resent(
            school_number=services.school_number_normalise(data["school_number"]),
            registrant_email=data["registrant_email"],
        )
        if resent is not None:
            # The same registration again: no second record, no second mail, no hit.
            messages.info(
                request, _("You had already sent this registration: we received it once.")
            )
            return redirect("organisations:school_register_done")
        try:
            hits = public_form_consume(request, recipient=data["registrant_email"])
        except PublicFormThrottled as exc:
            form.add_error(None, exc.message)
            return render(request, "organisations/school_register.html", {"form": form}, status=429)
        school = form_submit(
            form,
            lambda: services.school_register(
                actor=request.user if request.user.is_authenticated else None,
                school_number=data["school_number"],
                name=data["name"],
                level=data["level"],
                street=data["street"],
                postcode=data["postcode"],
                registrant_name=data["registrant_name"],
                registrant_email=data["registrant_email"],
            ),
        )
        if school is None:
            hits.rollback()  # nothing was sent
        else:
            return redirect("organisations:school_register_done")
    return render(request, "organisations/school_register.html", {"form": form})


@login_not_required
@require_GET
def school_register_done(request: HttpRequest) -> HttpResponse:
    return render(request, "organisations/school_register_done.html")


def _require(allowed: bool) -> None:
    """The page's policy predicate said no: 403 (objects out of scope answer 404)."""
    if not allowed:
        raise PermissionDenied


@require_GET
def school_registration_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Platform admins confirm or decline the schools that registered."""
    _require(policy.can_confirm_schools(request.user))
    context = {
        "schools": selectors.school_registrations_pending(),
        "decline_form": DeclineForm(),
    }
    return render(request, "organisations/school_registration_list.html", context)


def _registration(request: AuthenticatedHttpRequest, school_uuid: UUID) -> School:
    """A school awaiting confirmation, for a user who confirms schools."""
    _require(policy.can_confirm_schools(request.user))
    return get_object_or_404(School.objects.awaiting_confirmation(), uuid=school_uuid)


@require_POST
def school_registration_confirm(
    request: AuthenticatedHttpRequest, school_uuid: UUID
) -> HttpResponse:
    school = _registration(request, school_uuid)
    services.school_confirm(actor=request.user, school=school)
    messages.success(
        request,
        _("%(school)s is confirmed; its care coordinator gets an invitation.")
        % {"school": school.name},
    )
    return redirect("organisations:school_registration_list")


@require_POST
def school_registration_decline(
    request: AuthenticatedHttpRequest, school_uuid: UUID
) -> HttpResponse:
    school = _registration(request, school_uuid)
    form = DeclineForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Say why the registration is declined."))
        return redirect("organisations:school_registration_list")
    services.school_registration_decline(
        actor=request.user,
        school=school,
        reason=form.cleaned_data["reason"],
    )
    messages.success(
        request, _("The registration of %(school)s is declined.") % {"school": school.name}
    )
    return redirect("organisations:school_registration_list")


# --- The care coordinator's staff page -------------------------------------------------


@require_GET
def school_staff_home(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The care coordinator's way in: their school's staff page (or a choice of schools)."""
    # Only school staff use these pages; which school they lead decides the rest (404).
    _require(policy.can_see_school_staff(request.user))
    schools = selectors.schools_led_by(user=request.user)
    if len(schools) == 1:
        return redirect("organisations:school_staff", school_uuid=schools[0].uuid)
    return render(request, "organisations/school_staff_home.html", {"schools": schools})


def school_staff(request: AuthenticatedHttpRequest, school_uuid: UUID) -> HttpResponse:
    # Only school staff use these pages; which school they lead decides the rest (404).
    _require(policy.can_see_school_staff(request.user))
    school = selectors.school_get_led_by(user=request.user, school_uuid=school_uuid)
    return staff_page(
        request,
        form=StaffInviteForm(request.POST or None),
        # The form's fields are the service's arguments.
        invite=lambda data: services.school_staff_invite(actor=request.user, school=school, **data),
        here=reverse("organisations:school_staff", args=[school.uuid]),
        template="organisations/school_staff.html",
        context={"school": school, "staff": selectors.school_staff_list(school=school)},
    )


@require_POST
def school_staff_revoke(
    request: AuthenticatedHttpRequest, school_uuid: UUID, user_uuid: UUID
) -> HttpResponse:
    # Only school staff use these pages; which school they lead decides the rest (404).
    _require(policy.can_see_school_staff(request.user))
    school = selectors.school_get_led_by(user=request.user, school_uuid=school_uuid)
    return staff_revoke_page(
        request,
        organisation=school,
        role=Role.SCHOOL_STAFF,
        user_uuid=user_uuid,
        revoke=lambda membership: services.school_staff_revoke(
            actor=request.user, school=school, membership=membership
        ),
        done=lambda membership: (
            _("%(person)s no longer has access to the school.") % {"person": membership.user}
        ),
        here=reverse("organisations:school_staff", args=[school.uuid]),
    )


# --- Services (issue 20, point 3) -------------------------------------------------------


def service_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    """A platform admin's (or a regional coordinator's, for their province) services."""
    _require(policy.can_register_services(request.user))
    services_ = selectors.services_registered_by(user=request.user)
    return render(request, "organisations/service_list.html", {"services": services_})


def service_register(request: AuthenticatedHttpRequest) -> HttpResponse:
    _require(policy.can_register_services(request.user))
    form = ServiceForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        service = form_submit(
            form, lambda: services.service_register(actor=request.user, fields=form.cleaned_data)
        )
        if service is not None:
            messages.success(
                request,
                _("%(service)s is registered. Invite its staff now.") % {"service": service.name},
            )
            return redirect("organisations:service_detail", service_uuid=service.uuid)
    return render(request, "organisations/service_form.html", {"form": form, "service": None})


def service_edit(request: AuthenticatedHttpRequest, service_uuid: UUID) -> HttpResponse:
    _require(policy.can_register_services(request.user))
    service = selectors.service_get_managed_by(user=request.user, service_uuid=service_uuid)
    form = ServiceForm(request.POST or None, user=request.user, service=service)
    if request.method == "POST" and form.is_valid():
        changed = form_submit(
            form,
            lambda: services.service_change(
                actor=request.user, service=service, fields=form.cleaned_data
            ),
        )
        if changed is not None:
            messages.success(request, _("The service is saved."))
            return redirect("organisations:service_detail", service_uuid=service.uuid)
    return render(request, "organisations/service_form.html", {"form": form, "service": service})


def service_detail(request: AuthenticatedHttpRequest, service_uuid: UUID) -> HttpResponse:
    """The service's details and staff; the invitation form (like a school's staff page)."""
    _require(policy.can_register_services(request.user))
    service = selectors.service_get_managed_by(user=request.user, service_uuid=service_uuid)
    return staff_page(
        request,
        form=ServiceStaffInviteForm(request.POST or None),
        invite=lambda data: services.service_staff_invite(
            actor=request.user, service=service, **data
        ),
        here=reverse("organisations:service_detail", args=[service.uuid]),
        template="organisations/service_detail.html",
        context={"service": service, "staff": selectors.service_staff_list(service=service)},
    )


@require_POST
def service_staff_revoke(
    request: AuthenticatedHttpRequest, service_uuid: UUID, user_uuid: UUID
) -> HttpResponse:
    _require(policy.can_register_services(request.user))
    service = selectors.service_get_managed_by(user=request.user, service_uuid=service_uuid)
    return staff_revoke_page(
        request,
        organisation=service,
        role=Role.SERVICE_STAFF,
        user_uuid=user_uuid,
        revoke=lambda membership: services.service_staff_revoke(
            actor=request.user, service=service, membership=membership
        ),
        done=lambda membership: (
            _("%(person)s no longer has access to the service.") % {"person": membership.user}
        ),
        here=reverse("organisations:service_detail", args=[service.uuid]),
    )


def my_service(request: AuthenticatedHttpRequest) -> HttpResponse:
    """A service's staff: their service (details, colleagues) and the way to its families'
    referrals."""
    _require(policy.can_see_service_pages(request.user))
    own = [
        (service, selectors.service_staff_list(service=service))
        for service in selectors.services_of_staff(user=request.user)
    ]
    return render(request, "organisations/my_service.html", {"own_services": own})
