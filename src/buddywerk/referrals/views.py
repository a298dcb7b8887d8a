"""Pages for pupils and referrals. Each view: guard, load (scoped), validate (form),
call a service, render (ARCHITECTURE.md 7)."""

from typing import Any
from uuid import UUID

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from buddywerk.access import policy
from buddywerk.common.audit import audit_view, audit_view_many
from buddywerk.common.vocabulary import Competence, Language, MeetingMode

from . import selectors, services
from .forms import (
    DecisionForm,
    FamilyReferralForm,
    PupilReferralForm,
    ReasonForm,
    family_initial,
    organisations_for,
    pupil_initial,
    schools_for,
)
from .models import FamilyGoal, Referral, ReferralStatus, SelectionCriterion, slot_choices
from .workflow import QUEUE_STATUSES, TRIAGE_STATUSES

PAGE_SIZE = 50


def _labels(values: list[Any], choices: Any) -> str:
    names = dict(choices)
    return ", ".join(str(names.get(value, value)) for value in values)


def _status_filter(request: HttpRequest, allowed: Any) -> str:
    status = request.GET.get("status", "")
    return status if status in allowed else ""


# --- Pupils --------------------------------------------------------------------------


def pupil_list(request: HttpRequest) -> HttpResponse:
    if not policy.can_list_pupils(request.user):
        raise PermissionDenied
    page = Paginator(selectors.pupil_list(user=request.user), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    page.object_list = selectors.pupil_rows(user=request.user, pupils=page.object_list)
    return render(request, "referrals/pupil_list.html", {"page": page})


def pupil_detail(request: HttpRequest, pupil_uuid: UUID) -> HttpResponse:
    pupil = selectors.pupil_get_for_view(user=request.user, pupil_uuid=pupil_uuid)
    referrals = (
        Referral.objects.visible_to(request.user).filter(pupil=pupil).select_related("programme")
    )
    return render(
        request,
        "referrals/pupil_detail.html",
        {
            "pupil": pupil,
            "full_name": policy.can_see_pupil_full_name(request.user, pupil),
            "home_languages": _labels(pupil.home_languages, Language.choices),
            "referrals": referrals.order_by("-created_at"),
            "can_refer": pupil.school_id in policy.referrer_organisation_ids(request.user),
        },
    )


# --- The referrer's side ---------------------------------------------------------------


def referral_list(request: HttpRequest) -> HttpResponse:
    """The school's (or service's) referrals at a glance, filterable by status."""
    if not policy.can_list_own_referrals(request.user):
        raise PermissionDenied
    status = _status_filter(request, ReferralStatus.values)
    page = Paginator(
        selectors.referral_list_for_referrer(user=request.user, status=status), PAGE_SIZE
    ).get_page(request.GET.get("page"))
    page.object_list = selectors.referral_rows(user=request.user, referrals=page.object_list)
    template = "referrals/referral_list.html"
    if getattr(request, "htmx", False):
        template += "#results"
    return render(
        request,
        template,
        {
            "page": page,
            "status": status,
            "statuses": ReferralStatus.choices,
            "can_refer_pupil": policy.can_refer_pupil(request.user),
            "can_refer_family": policy.can_refer_family(request.user),
        },
    )


def _render_pupil_form(
    request: HttpRequest, form: PupilReferralForm, referral: Referral | None, pupil: Any
) -> HttpResponse:
    """The pupil form. What it shows of children already on file is audited: the pupil
    it is filled in for, and on a new referral the school's pupils to choose from."""
    pupils = None
    if referral is not None:
        audit_view(actor=request.user, target=selectors.seen_through(referral))
    else:
        pupils = list(selectors.pupils_to_refer(user=request.user))
        audit_view_many(actor=request.user, targets=[p for p in pupils if p != pupil])
        if pupil is not None:
            audit_view(actor=request.user, target=pupil)
    return render(
        request,
        "referrals/referral_form_pupil.html",
        {"form": form, "referral": referral, "pupil": pupil, "pupils": pupils},
    )


def referral_create_pupil(request: HttpRequest) -> HttpResponse:
    """School staff start a draft referral for a new or an existing pupil (R4)."""
    if not policy.can_refer_pupil(request.user):
        raise PermissionDenied
    school_ids = policy.referrer_organisation_ids(request.user)
    schools = schools_for(school_ids)
    pupil = None
    pupil_uuid = request.GET.get("pupil") or request.POST.get("pupil")
    if pupil_uuid:
        try:
            UUID(str(pupil_uuid))
        except ValueError as exc:
            raise Http404 from exc
        pupil = get_object_or_404(selectors.pupils_to_refer(user=request.user), uuid=pupil_uuid)
    programmes = selectors.referral_programmes_for_schools(
        school_ids={pupil.school_id} if pupil else set(schools.values_list("pk", flat=True))
    )
    choose_school = pupil is None and schools.count() > 1
    initial: dict[str, Any] = {}
    if pupil is not None:
        initial = {
            "first_name": pupil.first_name,
            "last_name": pupil.last_name,
            "school_year": pupil.school_year,
            "birth_year": pupil.birth_year,
            "home_languages": pupil.home_languages,
        }
    form = PupilReferralForm(
        request.POST or None,
        initial=initial,
        schools=schools,
        programmes=programmes,
        choose_school=choose_school,
    )
    if request.method == "POST" and form.is_valid():
        school = pupil.school if pupil else form.cleaned_data.get("school") or schools.first()
        try:
            referral = services.pupil_referral_create(
                actor=request.user,
                school=school,
                programme=form.cleaned_data["programme"],
                pupil=pupil,
                pupil_data=form.pupil_data(),
                referral_data=form.referral_data(),
            )
        except ValidationError as error:
            form.add_service_error(error)
        else:
            messages.success(request, _("The draft referral is saved."))
            return redirect("referrals:detail", referral_uuid=referral.uuid)
    return _render_pupil_form(request, form, None, pupil)


def referral_create_family(request: HttpRequest) -> HttpResponse:
    """A service (or a school) starts a draft referral for a family [004]."""
    if not policy.can_refer_family(request.user):
        raise PermissionDenied
    referrer_ids = policy.referrer_organisation_ids(request.user)
    referrers = organisations_for(referrer_ids)
    form = FamilyReferralForm(
        request.POST or None,
        referrers=referrers if len(referrer_ids) > 1 else None,
        programmes=services.programmes_for_families(),
    )
    if request.method == "POST" and form.is_valid():
        referrer = form.cleaned_data.get("referrer") or referrers.first()
        try:
            referral = services.family_referral_create(
                actor=request.user,
                referrer=referrer,
                programme=form.cleaned_data["programme"],
                family_data=form.family_data(),
                referral_data=form.referral_data(),
            )
        except ValidationError as error:
            form.add_service_error(error)
        else:
            messages.success(request, _("The draft referral is saved."))
            return redirect("referrals:detail", referral_uuid=referral.uuid)
    return render(request, "referrals/referral_form_family.html", {"form": form, "referral": None})


def _referral_for_referrer(request: HttpRequest, referral_uuid: UUID) -> Referral:
    """A referral in scope (404 otherwise) that the user's organisation made (403)."""
    referral = selectors.referral_get(user=request.user, referral_uuid=referral_uuid)
    if not policy.is_referrer_staff(request.user, referral):
        raise PermissionDenied
    return referral


def referral_edit(request: HttpRequest, referral_uuid: UUID) -> HttpResponse:
    """Change a draft (and its pupil or family)."""
    referral = _referral_for_referrer(request, referral_uuid)
    if not policy.can_edit_referral(request.user, referral):
        messages.info(request, _("Only a draft can be changed."))
        return redirect("referrals:detail", referral_uuid=referral.uuid)
    data = request.POST or None
    form: PupilReferralForm | FamilyReferralForm
    if referral.pupil_id:
        form = PupilReferralForm(
            data,
            initial=pupil_initial(referral),
            schools=None,
            programmes=selectors.referral_programmes_for_schools(
                school_ids={referral.pupil.school_id}  # type: ignore[union-attr]
            ),
            choose_school=False,
        )
    else:
        form = FamilyReferralForm(
            data,
            initial=family_initial(referral),
            referrers=None,
            programmes=services.programmes_for_families(),
        )
    if request.method == "POST" and form.is_valid():
        participant_data = (
            form.pupil_data() if isinstance(form, PupilReferralForm) else form.family_data()
        )
        try:
            services.referral_update(
                actor=request.user,
                referral=referral,
                programme=form.cleaned_data["programme"],
                participant_data=participant_data,
                referral_data=form.referral_data(),
            )
        except ValidationError as error:
            form.add_service_error(error)
        else:
            messages.success(request, _("The draft referral is saved."))
            return redirect("referrals:detail", referral_uuid=referral.uuid)
    if isinstance(form, PupilReferralForm):
        return _render_pupil_form(request, form, referral, referral.pupil)
    audit_view(actor=request.user, target=selectors.seen_through(referral))
    return render(
        request, "referrals/referral_form_family.html", {"form": form, "referral": referral}
    )


def referral_submit(request: HttpRequest, referral_uuid: UUID) -> HttpResponse:
    """Send a draft to the programme; refused without consent (see services)."""
    referral = _referral_for_referrer(request, referral_uuid)
    if not policy.can_edit_referral(request.user, referral):
        messages.info(request, _("This referral was already sent."))
        return redirect("referrals:detail", referral_uuid=referral.uuid)
    errors: list[str] = []
    if request.method == "POST":
        try:
            services.referral_submit(actor=request.user, referral=referral)
        except ValidationError as error:
            errors = error.messages
        else:
            messages.success(request, _("The referral was sent to the programme."))
            return redirect("referrals:detail", referral_uuid=referral.uuid)
    return render(
        request, "referrals/referral_submit.html", {"referral": referral, "errors": errors}
    )


def referral_withdraw(request: HttpRequest, referral_uuid: UUID) -> HttpResponse:
    """The referring school or service withdraws an open referral."""
    referral = _referral_for_referrer(request, referral_uuid)
    if not policy.can_withdraw_referral(request.user, referral):
        messages.info(request, _("This referral is no longer open."))
        return redirect("referrals:detail", referral_uuid=referral.uuid)
    form = ReasonForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.referral_withdraw(
                actor=request.user, referral=referral, reason=form.cleaned_data["reason"]
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The referral was withdrawn."))
            return redirect("referrals:detail", referral_uuid=referral.uuid)
    return render(request, "referrals/referral_withdraw.html", {"referral": referral, "form": form})


# --- Both sides -------------------------------------------------------------------------


def referral_detail(request: HttpRequest, referral_uuid: UUID) -> HttpResponse:
    """One referral with its history; the look is audited."""
    referral = selectors.referral_get_for_view(user=request.user, referral_uuid=referral_uuid)
    user = request.user
    return render(
        request,
        "referrals/referral_detail.html",
        {
            "referral": referral,
            "home_languages": _labels(
                referral.pupil.home_languages if referral.pupil else referral.family.languages,
                Language.choices,
            ),
            "labels": {
                "needs": _labels(referral.needs, Competence.choices),
                "criteria": _labels(referral.criteria, SelectionCriterion.choices),
                "goals": _labels(referral.goals, FamilyGoal.choices),
                "meeting_modes": _labels(referral.meeting_modes, MeetingMode.choices),
                "time_slots": _labels(referral.time_slots, slot_choices()),
            },
            "transitions": referral.transitions.select_related("actor"),
            "can_edit": policy.can_edit_referral(user, referral),
            "can_withdraw": policy.can_withdraw_referral(user, referral),
            "can_decide": policy.can_triage_referral(user, referral)
            and referral.status in TRIAGE_STATUSES,
            "can_match": policy.can_match(user, referral.programme),
        },
    )


# --- The programme's side ---------------------------------------------------------------


def referral_queue(request: HttpRequest) -> HttpResponse:
    """The programme's queue, oldest first, with the days each referral has waited."""
    if not policy.can_view_referral_queue(request.user):
        raise PermissionDenied
    status = _status_filter(request, QUEUE_STATUSES)
    page = Paginator(
        selectors.referral_queue(user=request.user, status=status), PAGE_SIZE
    ).get_page(request.GET.get("page"))
    page.object_list = selectors.referral_rows(user=request.user, referrals=page.object_list)
    template = "referrals/referral_queue.html"
    if getattr(request, "htmx", False):
        template += "#results"
    return render(
        request,
        template,
        {
            "page": page,
            "status": status,
            "statuses": [(s, ReferralStatus(s).label) for s in QUEUE_STATUSES],
        },
    )


def referral_decide(request: HttpRequest, referral_uuid: UUID) -> HttpResponse:
    """Accept, put on the waiting list, or decline with a reason."""
    referral = selectors.referral_get(user=request.user, referral_uuid=referral_uuid)
    if not policy.can_triage_referral(request.user, referral):
        raise PermissionDenied
    if referral.status not in TRIAGE_STATUSES:
        messages.info(request, _("This referral was already decided on."))
        return redirect("referrals:detail", referral_uuid=referral.uuid)
    form = DecisionForm(
        request.POST or None, allow_wait=referral.status == ReferralStatus.SUBMITTED
    )
    if request.method == "POST" and form.is_valid():
        decision = form.cleaned_data["decision"]
        reason = form.cleaned_data["reason"]
        service = {
            DecisionForm.ACCEPT: services.referral_accept,
            DecisionForm.WAIT: services.referral_wait,
            DecisionForm.DECLINE: services.referral_decline,
        }[decision]
        try:
            service(actor=request.user, referral=referral, reason=reason)
        except ValidationError as error:
            form.add_service_error(error)
        else:
            messages.success(request, _("Your decision is saved."))
            return redirect("referrals:queue")
    return render(request, "referrals/referral_decide.html", {"referral": referral, "form": form})
