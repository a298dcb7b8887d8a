"""Pages for pupils and referrals. Each view: guard, load (scoped), validate (form),
call a service, render (ARCHITECTURE.md 7)."""

from typing import Any
from uuid import UUID

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST
from django_filters import FilterSet

from buddywerk.access import policy
from buddywerk.access.models import Role
from buddywerk.common.audit import audit_view, audit_view_many
from buddywerk.common.forms import form_submit
from buddywerk.common.http import AuthenticatedHttpRequest
from buddywerk.common.once import once_made, submit_once
from buddywerk.common.vocabulary import Competence, Language, MeetingMode
from buddywerk.organisations.models import Programme

from . import consent_services, selectors, services
from .filters import QueueFilter, ReferralFilter
from .forms import (
    ConsentTextForm,
    ConsentWithdrawalForm,
    DecisionForm,
    DeclineForm,
    FamilyReferralForm,
    PupilReferralForm,
    ReasonForm,
    family_initial,
    organisations_for,
    pupil_initial,
    schools_for,
)
from .models import (
    ConsentWithdrawal,
    FamilyGoal,
    Pupil,
    Referral,
    ReferralStatus,
    SelectionCriterion,
    slot_choices,
)
from .workflow import OPEN_STATUSES, QUEUE_STATUSES, REFERRAL, TRIAGE_STATUSES

PAGE_SIZE = 50


def _labels(values: list[Any], choices: Any) -> str:
    names = dict(choices)
    return ", ".join(str(names.get(value, value)) for value in values)


def _status_filter(
    request: AuthenticatedHttpRequest, filterset: type[FilterSet], qs: QuerySet[Referral]
) -> tuple[QuerySet[Referral], str]:
    """The list narrowed by its FilterSet (the API's lists use the same one); a value the
    filter does not know is ignored on the page, and the chosen status is shown."""
    found = filterset(request.GET, queryset=qs)
    found.is_valid()
    return found.qs, found.form.cleaned_data.get("status") or ""


def _referral_page(
    request: AuthenticatedHttpRequest,
    template: str,
    referrals: QuerySet[Referral],
    context: dict[str, Any],
) -> HttpResponse:
    """One page of a referral list (the referrer's list, the programme's queue): every
    participant it names is audited as viewed; htmx asks for the results only."""
    page = Paginator(selectors.list_rows_only(referrals), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    page.object_list = selectors.referral_rows(user=request.user, referrals=page.object_list)
    if getattr(request, "htmx", False):
        template += "#results"
    return render(request, template, {"page": page, **context})


# --- Pupils --------------------------------------------------------------------------


def pupil_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    if not policy.can_list_pupils(request.user):
        raise PermissionDenied
    page = Paginator(selectors.pupil_list(user=request.user), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    page.object_list = selectors.pupil_rows(user=request.user, pupils=page.object_list)
    return render(request, "referrals/pupil_list.html", {"page": page})


def pupil_detail(request: AuthenticatedHttpRequest, pupil_uuid: UUID) -> HttpResponse:
    pupil = selectors.pupil_get_for_view(user=request.user, pupil_uuid=pupil_uuid)
    referrals = selectors.referrals_visible(user=request.user).filter(pupil=pupil)
    return render(
        request,
        "referrals/pupil_detail.html",
        {
            "pupil": pupil,
            "full_name": policy.can_see_pupil_full_name(request.user, pupil),
            "home_languages": _labels(pupil.home_languages, Language.choices),
            "referrals": referrals.order_by("-created_at"),
            "can_refer": policy.can_refer_for_pupil(request.user, pupil),
        },
    )


# --- The referrer's side ---------------------------------------------------------------


def referral_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The school's (or service's) referrals at a glance, filterable by status."""
    if not policy.can_list_own_referrals(request.user):
        raise PermissionDenied
    referrals, status = _status_filter(
        request, ReferralFilter, selectors.referral_list_for_referrer(user=request.user)
    )
    return _referral_page(
        request,
        "referrals/referral_list.html",
        referrals,
        {
            "status": status,
            "statuses": ReferralStatus.choices,
            "can_refer_pupil": policy.can_refer_pupil(request.user),
            "can_refer_family": policy.can_refer_family(request.user),
        },
    )


def _render_pupil_form(
    request: AuthenticatedHttpRequest,
    form: PupilReferralForm,
    referral: Referral | None,
    pupil: Any,
) -> HttpResponse:
    """The pupil form. What it shows of children already on file is audited: the pupil
    it is filled in for, and on a new referral the school's pupils to choose from."""
    pupils = None
    open_referrals: list[Referral] = []
    if referral is not None:
        audit_view(actor=request.user, target=selectors.seen_through(referral))
    else:
        pupils = list(selectors.pupils_to_refer(user=request.user))
        audit_view_many(actor=request.user, targets=[p for p in pupils if p != pupil])
        if pupil is not None:
            audit_view(actor=request.user, target=pupil)
            # A second open referral to the same programme is refused: show where to go.
            open_referrals = list(
                selectors.referrals_visible(user=request.user)
                .filter(pupil=pupil, status__in=OPEN_STATUSES)
                .order_by("programme__name")
            )
    return render(
        request,
        "referrals/referral_form_pupil.html",
        {
            "form": form,
            "referral": referral,
            "pupil": pupil,
            "pupils": pupils,
            "open_referrals": open_referrals,
        },
    )


def _draft_saved(request: AuthenticatedHttpRequest, referral: Referral) -> HttpResponse:
    once_made(request, referral)
    messages.success(request, _("The draft referral is saved."))
    return redirect("referrals:detail", referral_uuid=referral.uuid)


@submit_once
def referral_create_pupil(request: AuthenticatedHttpRequest) -> HttpResponse:
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
        referral = form_submit(
            form,
            lambda: services.pupil_referral_create(
                actor=request.user,
                school=school,
                programme=form.cleaned_data["programme"],
                pupil=pupil,
                pupil_data=form.pupil_data(),
                referral_data=form.referral_data(),
            ),
        )
        if referral is not None:
            return _draft_saved(request, referral)
    return _render_pupil_form(request, form, None, pupil)


@submit_once
def referral_create_family(request: AuthenticatedHttpRequest) -> HttpResponse:
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
        referral = form_submit(
            form,
            lambda: services.family_referral_create(
                actor=request.user,
                referrer=referrer,
                programme=form.cleaned_data["programme"],
                family_data=form.family_data(),
                referral_data=form.referral_data(),
            ),
        )
        if referral is not None:
            return _draft_saved(request, referral)
    return render(request, "referrals/referral_form_family.html", {"form": form, "referral": None})


def _referral_for_referrer(request: AuthenticatedHttpRequest, referral_uuid: UUID) -> Referral:
    """A referral in scope (404 otherwise) that the user's organisation made (403)."""
    referral = selectors.referral_get(user=request.user, referral_uuid=referral_uuid)
    if not policy.is_referrer_staff(request.user, referral):
        raise PermissionDenied
    return referral


def referral_edit(request: AuthenticatedHttpRequest, referral_uuid: UUID) -> HttpResponse:
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
        saved = form_submit(
            form,
            lambda: services.referral_update(
                actor=request.user,
                referral=referral,
                programme=form.cleaned_data["programme"],
                participant_data=participant_data,
                referral_data=form.referral_data(),
            ),
        )
        if saved is not None:
            return _draft_saved(request, referral)
    if isinstance(form, PupilReferralForm):
        return _render_pupil_form(request, form, referral, referral.pupil)
    audit_view(actor=request.user, target=selectors.seen_through(referral))
    return render(
        request, "referrals/referral_form_family.html", {"form": form, "referral": referral}
    )


def referral_submit(request: AuthenticatedHttpRequest, referral_uuid: UUID) -> HttpResponse:
    """Send a draft to the programme; refused without consent (see services)."""
    referral = _referral_for_referrer(request, referral_uuid)
    if not policy.can_edit_referral(request.user, referral):
        messages.info(request, _("This referral was already sent."))
        return redirect("referrals:detail", referral_uuid=referral.uuid)
    # Nothing to fill in: the form only carries what the service refuses (no consent yet).
    form = forms.Form(request.POST if request.method == "POST" else None)
    if form.is_bound and form.is_valid():
        sent = form_submit(
            form, lambda: services.referral_submit(actor=request.user, referral=referral)
        )
        if sent is not None:
            messages.success(request, _("The referral was sent to the programme."))
            return redirect("referrals:detail", referral_uuid=referral.uuid)
    return render(
        request,
        "referrals/referral_submit.html",
        {"referral": referral, "errors": form.non_field_errors()},
    )


def referral_withdraw(request: AuthenticatedHttpRequest, referral_uuid: UUID) -> HttpResponse:
    """The referring school or service withdraws an open referral."""
    referral = _referral_for_referrer(request, referral_uuid)
    if not policy.can_withdraw_referral(request.user, referral):
        messages.info(request, _("This referral is no longer open."))
        return redirect("referrals:detail", referral_uuid=referral.uuid)
    form = ReasonForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        done = form_submit(
            form,
            lambda: services.referral_withdraw(
                actor=request.user, referral=referral, reason=form.cleaned_data["reason"]
            ),
        )
        if done is not None:
            messages.success(request, _("The referral was withdrawn."))
            return redirect("referrals:detail", referral_uuid=referral.uuid)
    return render(request, "referrals/referral_withdraw.html", {"referral": referral, "form": form})


# --- Both sides -------------------------------------------------------------------------


def referral_detail(request: AuthenticatedHttpRequest, referral_uuid: UUID) -> HttpResponse:
    """One referral with its history; the look is audited."""
    referral = selectors.referral_get_for_view(user=request.user, referral_uuid=referral_uuid)
    user = request.user
    participant = referral.participant
    languages = (
        participant.home_languages if isinstance(participant, Pupil) else participant.languages
    )
    return render(
        request,
        "referrals/referral_detail.html",
        {
            "referral": referral,
            "home_languages": _labels(languages, Language.choices),
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
            "withdrawal": ConsentWithdrawal.objects.filter(referral=referral).first(),
            "can_withdraw_consent": referral.consent_given_on is not None
            and policy.can_record_consent_withdrawal(user, referral),
            "can_decide": policy.can_decide_referral(user, referral),
            "can_match": policy.can_match(user, referral.programme),
        },
    )


# --- The programme's side ---------------------------------------------------------------


def referral_queue(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The programme's queue, oldest first, with the days each referral has waited."""
    if not policy.can_view_referral_queue(request.user):
        raise PermissionDenied
    referrals, status = _status_filter(
        request, QueueFilter, selectors.referral_queue(user=request.user)
    )
    return _referral_page(
        request,
        "referrals/referral_queue.html",
        referrals,
        {"status": status, "statuses": [(s, ReferralStatus(s).label) for s in QUEUE_STATUSES]},
    )


def _referral_to_decide(
    request: AuthenticatedHttpRequest, referral_uuid: UUID
) -> Referral | HttpResponse:
    """A referral in scope (404) that the user's programme triages (403) and that still
    waits for a decision (otherwise back to its page)."""
    referral = selectors.referral_get(user=request.user, referral_uuid=referral_uuid)
    if not policy.can_triage_referral(request.user, referral):
        raise PermissionDenied
    if referral.status not in TRIAGE_STATUSES:
        messages.info(request, _("This referral was already decided on."))
        return redirect("referrals:detail", referral_uuid=referral.uuid)
    return referral


# The form of each decision (a decline needs a reason: its help text says so).
DECISION_FORMS: dict[str, type[DecisionForm]] = {
    "accept": DecisionForm,
    "wait": DecisionForm,
    "decline": DeclineForm,
}


def _decide_page(
    request: AuthenticatedHttpRequest,
    referral: Referral,
    bound: tuple[str, DecisionForm] | None = None,
) -> HttpResponse:
    """The decision page: one form per decision the coordinator may take now, each
    posting to its own endpoint (`bound`: the decision just refused, with its errors)."""
    decisions = []
    for name, label, style in (
        ("accept", _("Accept: look for a buddy"), "btn-primary"),
        ("wait", _("Put on the waiting list"), "btn-secondary"),
        ("decline", _("Decline"), "btn-danger"),
    ):
        if not REFERRAL.allows(request.user, referral, name):
            continue
        form = bound[1] if bound and bound[0] == name else DECISION_FORMS[name](prefix=name)
        url = reverse(f"referrals:{name}", kwargs={"referral_uuid": referral.uuid})
        decisions.append({"form": form, "url": url, "label": label, "style": style})
    return render(
        request, "referrals/referral_decide.html", {"referral": referral, "decisions": decisions}
    )


@require_GET
def referral_decide(request: AuthenticatedHttpRequest, referral_uuid: UUID) -> HttpResponse:
    """Accept, put on the waiting list, or decline with a reason."""
    referral = _referral_to_decide(request, referral_uuid)
    if isinstance(referral, HttpResponse):
        return referral
    return _decide_page(request, referral)


def _decision(
    request: AuthenticatedHttpRequest,
    referral_uuid: UUID,
    name: str,
    service: Any,
) -> HttpResponse:
    """One decision (`name`) through its service; errors re-show the page with them."""
    referral = _referral_to_decide(request, referral_uuid)
    if isinstance(referral, HttpResponse):
        return referral
    form = DECISION_FORMS[name](request.POST, prefix=name)
    if form.is_valid():
        done = form_submit(
            form,
            lambda: service(
                actor=request.user, referral=referral, reason=form.cleaned_data["reason"]
            ),
        )
        if done is not None:
            messages.success(request, _("Your decision is saved."))
            return redirect("referrals:queue")
    return _decide_page(request, referral, (name, form))


@require_POST
def referral_accept(request: AuthenticatedHttpRequest, referral_uuid: UUID) -> HttpResponse:
    """Accept: the referral joins the matching queue."""
    return _decision(request, referral_uuid, "accept", services.referral_accept)


@require_POST
def referral_wait(request: AuthenticatedHttpRequest, referral_uuid: UUID) -> HttpResponse:
    """Put a submitted referral on the waiting list."""
    return _decision(request, referral_uuid, "wait", services.referral_wait)


@require_POST
def referral_decline(request: AuthenticatedHttpRequest, referral_uuid: UUID) -> HttpResponse:
    """Decline, with a reason the school or service reads."""
    return _decision(request, referral_uuid, "decline", services.referral_decline)


# --- Consent (R18) ------------------------------------------------------------------------


def consent_withdraw(request: AuthenticatedHttpRequest, referral_uuid: UUID) -> HttpResponse:
    """Record that consent was withdrawn, by the referring school or service or by the
    programme's coordinator; the service carries out every consequence (consent_services)."""
    referral = selectors.referral_get(user=request.user, referral_uuid=referral_uuid)
    if not policy.can_record_consent_withdrawal(request.user, referral):
        raise PermissionDenied
    if (
        referral.consent_given_on is None
        or ConsentWithdrawal.objects.filter(referral=referral).exists()
    ):
        messages.info(request, _("There is no consent to withdraw on this referral."))
        return redirect("referrals:detail", referral_uuid=referral.uuid)
    form = ConsentWithdrawalForm(
        request.POST or None,
        givers=consent_services.withdrawal_givers(referral, on=timezone.localdate()),
    )
    if request.method == "POST" and form.is_valid():
        done = form_submit(
            form,
            lambda: consent_services.consent_withdraw(
                actor=request.user,
                referral=referral,
                withdrawn_by=form.cleaned_data["withdrawn_by"],
                method=form.cleaned_data["method"],
                withdrawn_on=form.cleaned_data["withdrawn_on"],
            ),
        )
        if done is not None:
            messages.success(request, _("The withdrawal of consent was recorded."))
            return redirect("referrals:detail", referral_uuid=referral.uuid)
    return render(request, "referrals/consent_withdraw.html", {"referral": referral, "form": form})


def _consent_programmes(request: AuthenticatedHttpRequest) -> QuerySet[Programme]:
    return Programme.objects.filter(
        pk__in=policy.organisation_ids(request.user, Role.PROGRAMME_COORDINATOR)
    ).order_by("name")


def consent_text_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The consent texts of the coordinator's programmes: every version, newest first."""
    if not policy.can_list_consent_texts(request.user):
        raise PermissionDenied
    programmes = list(_consent_programmes(request).prefetch_related("consent_texts"))
    return render(request, "referrals/consent_text_list.html", {"programmes": programmes})


def consent_text_publish(request: AuthenticatedHttpRequest, programme_uuid: UUID) -> HttpResponse:
    """Publish a new version of one programme's consent text (a given consent keeps the
    version it was given on)."""
    programme = get_object_or_404(_consent_programmes(request), uuid=programme_uuid)
    current = consent_services.consent_text_current(programme)
    initial = (
        {
            "text": current.text,
            "pupil_may_consent": current.pupil_may_consent,
            "erasure_grace_days": current.erasure_grace_days,
        }
        if current
        else {
            "text": consent_services.DEFAULT_CONSENT_TEXT,
            "erasure_grace_days": consent_services.DEFAULT_GRACE_DAYS,
        }
    )
    form = ConsentTextForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        done = form_submit(
            form,
            lambda: consent_services.consent_text_publish(
                actor=request.user, programme=programme, **form.cleaned_data
            ),
        )
        if done is not None:
            messages.success(
                request,
                _("Version %(version)d of the consent text is now in use.")
                % {"version": done.version},
            )
            return redirect("referrals:consent_texts")
    return render(
        request,
        "referrals/consent_text_form.html",
        {"programme": programme, "current": current, "form": form},
    )
