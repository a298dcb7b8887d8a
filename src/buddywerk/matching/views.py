"""Pages of matching: suggestions, batch preview and confirmation, settings, proposals.

Each view: guard, load (scoped), validate, call a service, render (ARCHITECTURE.md 7).
Roles without any part in matching get 403; objects outside the user's scope get 404.
Pages that show a participant write an audit event.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any
from uuid import UUID

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from buddywerk.access import policy
from buddywerk.buddies.models import Buddy
from buddywerk.buddies.paths import BuddyPath, buddies_with_path, buddy_path
from buddywerk.common.audit import audit_view, audit_view_many
from buddywerk.common.forms import form_submit
from buddywerk.common.http import AuthenticatedHttpRequest
from buddywerk.organisations.models import Programme
from buddywerk.referrals.models import Referral
from buddywerk.referrals.selectors import seen_in_row, seen_through

from . import candidates, engine, selectors, services
from .forms import AnswerForm, MatchingSettingsForm
from .models import Proposal
from .proposal_facts import proposal_facts

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

    from buddywerk.access.policy import AnyUser


def _texts() -> engine.Texts:
    return candidates.engine_texts("en" if (get_language() or "nl").startswith("en") else "nl")


def _matched_programmes(request: AuthenticatedHttpRequest) -> QuerySet[Programme]:
    """The programmes whose queue the user matches; 403 for a role that matches none."""
    if not policy.can_match_referrals(request.user):
        raise PermissionDenied
    return policy.programmes_matched_by(request.user, Programme.objects.all())


def _programme(request: AuthenticatedHttpRequest, programme_uuid: UUID) -> Programme:
    programme: Programme = get_object_or_404(_matched_programmes(request), uuid=programme_uuid)
    return programme


def _error(request: AuthenticatedHttpRequest, exc: ValidationError) -> None:
    for message in exc.messages:
        messages.error(request, message)


# --- Overview and settings --------------------------------------------------------------


def matching_home(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The coordinator's start: their programmes with the queue size, open proposals."""
    if not policy.can_use_matching(request.user):
        raise PermissionDenied
    ids = set(
        policy.programmes_matched_by(request.user, Programme.objects.all()).values_list(
            "pk", flat=True
        )
    )
    return render(
        request,
        "matching/home.html",
        {
            "programmes": selectors.programmes_with_queue(ids),
            "proposals": selectors.proposal_rows(
                user=request.user, proposals=selectors.open_proposals(user=request.user)[:50]
            ),
        },
    )


def matching_settings(request: AuthenticatedHttpRequest, programme_uuid: UUID) -> HttpResponse:
    programme = _programme(request, programme_uuid)
    current = candidates.settings_for(programme)
    form = MatchingSettingsForm(request.POST or None, instance=current)
    if request.method == "POST" and form.is_valid():
        saved = form_submit(
            form,
            lambda: services.matching_settings_update(
                actor=request.user,
                programme=programme,
                data={name: form.cleaned_data[name] for name in services.SETTINGS_FIELDS},
            ),
        )
        if saved is not None:
            messages.success(request, _("The matching settings are saved."))
            return redirect("matching:home")
    return render(request, "matching/settings.html", {"programme": programme, "form": form})


# --- Suggestions ------------------------------------------------------------------------


def referral_suggestions(request: AuthenticatedHttpRequest, referral_uuid: UUID) -> HttpResponse:
    """For one referral: the 10 best buddies with score and reasons, and the buddies that
    one hard constraint blocks. A POST proposes one buddy."""
    programmes = _matched_programmes(request)
    referral = get_object_or_404(
        policy.referrals_visible_to(request.user, Referral.objects.with_participant()),
        uuid=referral_uuid,
        programme__in=programmes,
    )
    if request.method == "POST":
        buddy = get_object_or_404(
            Buddy.objects.filter(programmes=referral.programme).distinct(),
            uuid=request.POST.get("buddy"),
        )
        try:
            services.proposal_create(
                actor=request.user,
                referral=referral,
                buddy=buddy,
                texts=_texts(),
            )
        except ValidationError as exc:
            _error(request, exc)
        else:
            messages.success(request, _("The proposal was sent to the buddy."))
        if not getattr(request, "htmx", False):
            return redirect("matching:referral_suggestions", referral_uuid=referral.uuid)
    context = selectors.referral_suggestions(referral=referral, texts=_texts())
    paths = _suggested_paths(request.user, referral, [row for _c, row, _e in context["feasible"]])
    context["feasible"] = [
        (candidate, row, earlier, paths.get(str(row["uuid"])))
        for candidate, row, earlier in context["feasible"]
    ]
    audit_view(actor=request.user, target=seen_through(referral))
    template = "matching/referral_suggestions.html"
    if getattr(request, "htmx", False):
        template += "#suggestions"
    return render(request, template, {"referral": referral, **context})


def _suggested_paths(
    user: AnyUser, referral: Referral, rows: list[dict[str, Any]]
) -> dict[str, BuddyPath]:
    """Issue 21: the own path of each suggested mentor or role model the reader may see."""
    found: dict[str, BuddyPath] = {}
    for key, buddy in buddies_with_path(str(row["uuid"]) for row in rows).items():
        if policy.can_see_buddy_path(user, buddy, programme_id=referral.programme_id):
            path = buddy_path(buddy)
            if path is not None:
                found[key] = path
    return found


def buddy_suggestions(request: AuthenticatedHttpRequest, buddy_uuid: UUID) -> HttpResponse:
    """For one buddy: the referrals in the queue that fit them best."""
    programmes = _matched_programmes(request)
    buddy = get_object_or_404(
        Buddy.objects.filter(programmes__in=programmes).select_related("user").distinct(),
        uuid=buddy_uuid,
    )
    programme = buddy.programmes.filter(pk__in=programmes).order_by("name").first()
    if programme is None:  # cannot happen: the buddy was found through these programmes
        raise Http404
    context = selectors.buddy_suggestions(programme=programme, buddy=buddy, texts=_texts())
    context["buddy_path"] = (
        buddy_path(buddy)
        if policy.can_see_buddy_path(request.user, buddy, programme_id=programme.pk)
        else None
    )
    # every participant the page names: the fitting and the almost fitting referrals
    audit_view_many(
        actor=request.user,
        targets=[
            seen_in_row(row.referral, referral=row.referral["uuid"])
            for row in (*context["rows"], *context["blocked"])
        ],
    )
    return render(
        request,
        "matching/buddy_suggestions.html",
        {"buddy": buddy, "programme": programme, **context},
    )


# --- Batch ------------------------------------------------------------------------------


def batch(request: AuthenticatedHttpRequest, programme_uuid: UUID) -> HttpResponse:
    """Preview the optimal batch for the programme's queue next to a greedy pass; a POST
    proposes the ticked matches (all, some or none)."""
    programme = _programme(request, programme_uuid)
    if request.method == "POST":
        pairs = [
            tuple(value.split(":", 1))
            for value in request.POST.getlist("pair")
            if value.count(":") == 1
        ]
        if not pairs:
            messages.info(request, _("Nothing was proposed: no match was ticked."))
            return redirect("matching:batch", programme_uuid=programme.uuid)
        try:
            created = services.proposals_create(
                actor=request.user,
                programme=programme,
                pairs=pairs,  # type: ignore[arg-type]
                texts=_texts(),
            )
        except ValidationError as exc:
            _error(request, exc)
            return redirect("matching:batch", programme_uuid=programme.uuid)
        messages.success(
            request,
            _("%(n)s proposals were sent to the buddies.") % {"n": len(created)},
        )
        return redirect("matching:home")
    preview = selectors.batch_preview(programme=programme, texts=_texts())
    # every participant the page names: the proposed matches and the unmatched referrals
    audit_view_many(
        actor=request.user,
        targets=[
            seen_in_row(row.referral, referral=row.referral["uuid"])
            for row in (*preview["rows"], *preview["unmatched"])
        ],
    )
    # 200 rows with their reasons cost more to render than to solve: render them once per
    # solved preview (the same for every coordinator of the programme, no form token)
    if "rows_html" not in preview:
        preview["rows_html"] = render_to_string(
            "matching/batch.html#batch_rows", {"rows": preview["rows"]}
        )
    return render(request, "matching/batch.html", {"programme": programme, **preview})


def region_batch(request: AuthenticatedHttpRequest) -> HttpResponse:
    """What a batch over every queue of the province would give, per programme: figures
    only, no participant and no buddy (the regional coordinator sees aggregates)."""
    if not policy.can_preview_region_batch(request.user):
        raise PermissionDenied
    codes = policy.regional_province_codes(request.user)
    return render(request, "matching/region_batch.html", selectors.region_preview(codes))


# --- Proposals --------------------------------------------------------------------------


def my_proposals(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The buddy's proposals (first name and needs only) and the school's proposals to
    confirm."""
    user = request.user
    if not policy.can_answer_proposals(user):
        raise PermissionDenied
    lists = selectors.my_proposals(user=user)
    selectors.proposal_rows(user=user, proposals=[*lists["as_buddy"], *lists["as_school"]])
    return render(request, "matching/my_proposals.html", lists)


def _proposal(request: AuthenticatedHttpRequest, proposal_uuid: UUID) -> Proposal:
    proposal: Proposal = get_object_or_404(
        selectors.proposals_for(user=request.user), uuid=proposal_uuid
    )
    return proposal


def _proposal_page(
    request: AuthenticatedHttpRequest, proposal: Proposal, form: AnswerForm
) -> HttpResponse:
    """One proposal, with the answers the reader may give."""
    user = request.user
    context: dict[str, Any] = {
        "proposal": proposal,
        "form": form,
        "is_proposal_buddy": policy.is_proposal_buddy(user, proposal),
        "can_confirm_proposal": policy.can_confirm_proposal(user, proposal),
        # a buddy sees the participant's first name and needs only (DOMAIN.md)
        "can_see_proposal_in_full": policy.can_see_proposal_in_full(user, proposal),
        "facts": proposal_facts(proposal),
        # issue 21: the mentor's or role model's own path, as far as they show it
        "buddy_path": buddy_path(proposal.buddy)
        if policy.can_see_buddy_path(
            user,
            proposal.buddy,
            programme_id=proposal.programme_id,
            school_id=proposal.referral.referrer_id,
        )
        else None,
        "transitions": proposal.transitions.select_related("actor"),
        "can_read_safeguarding_reason": policy.can_read_safeguarding_reason(
            user, proposal.programme
        ),
    }
    audit_view(actor=user, target=selectors.seen_in_proposal(proposal))
    return render(request, "matching/proposal_detail.html", context)


@require_GET
def proposal_detail(request: AuthenticatedHttpRequest, proposal_uuid: UUID) -> HttpResponse:
    return _proposal_page(request, _proposal(request, proposal_uuid), AnswerForm())


def _proposal_answer(
    allowed: Callable[[AnyUser, Proposal], bool],
    service: Callable[..., object],
    done: StrOrPromise,
    *,
    with_reason: bool,
) -> Callable[..., HttpResponse]:
    """One answer to a proposal as its own POST endpoint: 404 outside the reader's scope,
    403 for a reader who may not give this answer (the buddy does not confirm in the
    school's place); a refusal comes back on the page's form."""

    @require_POST
    def view(request: AuthenticatedHttpRequest, proposal_uuid: UUID) -> HttpResponse:
        proposal = _proposal(request, proposal_uuid)
        if not allowed(request.user, proposal):
            raise PermissionDenied
        form = AnswerForm(request.POST)
        if form.is_valid():
            extra = {"reason": form.cleaned_data["reason"]} if with_reason else {}
            answered = form_submit(
                form, lambda: service(actor=request.user, proposal=proposal, **extra)
            )
            if answered is not None:
                messages.success(request, done)
                return redirect("matching:proposal_detail", proposal_uuid=proposal.uuid)
        return _proposal_page(request, proposal, form)

    return view


proposal_accept = _proposal_answer(
    policy.is_proposal_buddy,
    services.proposal_accept,
    gettext_lazy("Thank you. The school is asked to confirm."),
    with_reason=False,
)
proposal_decline = _proposal_answer(
    policy.is_proposal_buddy,
    services.proposal_decline,
    gettext_lazy("You declined the proposal."),
    with_reason=True,
)
proposal_confirm = _proposal_answer(
    policy.can_confirm_proposal,
    services.proposal_confirm,
    gettext_lazy("Confirmed. The duo starts."),
    with_reason=False,
)
proposal_refuse = _proposal_answer(
    policy.can_confirm_proposal,
    services.proposal_refuse,
    gettext_lazy("You refused the proposal."),
    with_reason=True,
)
