"""Pages of matching: suggestions, batch preview and confirmation, settings, proposals.

Each view: guard, load (scoped), validate, call a service, render (ARCHITECTURE.md 7).
Roles without any part in matching get 403; objects outside the user's scope get 404.
Pages that show a participant write an audit event.
"""

from typing import Any
from uuid import UUID

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from buddywerk.access import policy
from buddywerk.buddies.models import Buddy
from buddywerk.common.audit import audit_view, audit_view_many
from buddywerk.organisations.models import Programme
from buddywerk.referrals.models import Referral
from buddywerk.referrals.selectors import seen_in_row, seen_through

from . import candidates, engine, selectors, services
from .forms import AnswerForm, MatchingSettingsForm


def _texts() -> engine.Texts:
    return engine.Texts(lang="en" if (get_language() or "nl").startswith("en") else "nl")


def _require_matcher(request: HttpRequest) -> set[int]:
    ids = policy.matching_programme_ids(request.user)
    if not ids:
        raise PermissionDenied
    return ids


def _programme(request: HttpRequest, programme_uuid: UUID) -> Programme:
    ids = _require_matcher(request)
    return get_object_or_404(Programme, uuid=programme_uuid, pk__in=ids)


def _error(request: HttpRequest, exc: ValidationError) -> None:
    for message in exc.messages:
        messages.error(request, message)


# --- Overview and settings --------------------------------------------------------------


def matching_home(request: HttpRequest) -> HttpResponse:
    """The coordinator's start: their programmes with the queue size, open proposals."""
    ids = policy.matching_programme_ids(request.user)
    region = policy.can_preview_region_batch(request.user)
    if not ids and not region:
        raise PermissionDenied
    return render(
        request,
        "matching/home.html",
        {
            "programmes": selectors.programmes_with_queue(ids),
            "proposals": selectors.proposal_rows(
                user=request.user, proposals=selectors.open_proposals(user=request.user)[:50]
            ),
            "region": region,
        },
    )


def matching_settings(request: HttpRequest, programme_uuid: UUID) -> HttpResponse:
    programme = _programme(request, programme_uuid)
    current = candidates.settings_for(programme)
    form = MatchingSettingsForm(request.POST or None, instance=current)
    if request.method == "POST" and form.is_valid():
        try:
            services.matching_settings_update(
                actor=request.user,
                programme=programme,
                data={name: form.cleaned_data[name] for name in services.SETTINGS_FIELDS},
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("The matching settings are saved."))
            return redirect("matching:home")
    return render(request, "matching/settings.html", {"programme": programme, "form": form})


# --- Suggestions ------------------------------------------------------------------------


def referral_suggestions(request: HttpRequest, referral_uuid: UUID) -> HttpResponse:
    """For one referral: the 10 best buddies with score and reasons, and the buddies that
    one hard constraint blocks. A POST proposes one buddy."""
    ids = _require_matcher(request)
    referral = get_object_or_404(
        policy.referrals_visible_to(request.user, Referral.objects.all()).with_participant(),
        uuid=referral_uuid,
        programme_id__in=ids,
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
    audit_view(actor=request.user, target=seen_through(referral))
    template = "matching/referral_suggestions.html"
    if getattr(request, "htmx", False):
        template += "#suggestions"
    return render(request, template, {"referral": referral, **context})


def buddy_suggestions(request: HttpRequest, buddy_uuid: UUID) -> HttpResponse:
    """For one buddy: the referrals in the queue that fit them best."""
    ids = _require_matcher(request)
    buddy = get_object_or_404(
        Buddy.objects.filter(programmes__in=ids).select_related("user").distinct(),
        uuid=buddy_uuid,
    )
    programme = buddy.programmes.filter(pk__in=ids).order_by("name").first()
    context = selectors.buddy_suggestions(programme=programme, buddy=buddy, texts=_texts())
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


def batch(request: HttpRequest, programme_uuid: UUID) -> HttpResponse:
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


def region_batch(request: HttpRequest) -> HttpResponse:
    """What a batch over every queue of the province would give, per programme: figures
    only, no participant and no buddy (the regional coordinator sees aggregates)."""
    codes = policy.regional_province_codes(request.user)
    if not codes:
        raise PermissionDenied
    return render(request, "matching/region_batch.html", selectors.region_preview(codes))


# --- Proposals --------------------------------------------------------------------------


def my_proposals(request: HttpRequest) -> HttpResponse:
    """The buddy's proposals (first name and needs only) and the school's proposals to
    confirm."""
    user = request.user
    is_buddy = hasattr(user, "buddy")
    schools = policy.referrer_organisation_ids(user)
    if not is_buddy and not schools:
        raise PermissionDenied
    lists = selectors.my_proposals(user=user)
    selectors.proposal_rows(user=user, proposals=[*lists["as_buddy"], *lists["as_school"]])
    return render(request, "matching/my_proposals.html", {"is_buddy": is_buddy, **lists})


def proposal_detail(request: HttpRequest, proposal_uuid: UUID) -> HttpResponse:
    """One proposal, with the answers the reader may give."""
    proposal = get_object_or_404(selectors.proposals_for(user=request.user), uuid=proposal_uuid)
    user = request.user
    is_buddy = policy.is_proposal_buddy(user, proposal)
    is_school = policy.can_confirm_proposal(user, proposal)
    form = AnswerForm(request.POST or None)
    if request.method == "POST":
        if not (is_buddy or is_school):
            raise PermissionDenied
        if form.is_valid():
            action = form.cleaned_data["action"]
            reason = form.cleaned_data["reason"]
            if action in ("accept", "decline") and not is_buddy:
                raise PermissionDenied
            if action in ("confirm", "refuse") and not is_school:
                raise PermissionDenied
            try:
                if action == "accept":
                    services.proposal_accept(actor=user, proposal=proposal)
                    messages.success(request, _("Thank you. The school is asked to confirm."))
                elif action == "decline":
                    services.proposal_decline(actor=user, proposal=proposal, reason=reason)
                    messages.success(request, _("You declined the proposal."))
                elif action == "confirm":
                    services.proposal_confirm(actor=user, proposal=proposal)
                    messages.success(request, _("Confirmed. The duo starts."))
                else:
                    services.proposal_refuse(actor=user, proposal=proposal, reason=reason)
                    messages.success(request, _("You refused the proposal."))
            except ValidationError as exc:
                if hasattr(exc, "error_dict"):
                    form.add_error(None, exc.message_dict.get("reason", exc.messages))
                else:
                    form.add_error(None, exc)
            else:
                return redirect("matching:proposal_detail", proposal_uuid=proposal.uuid)
    context: dict[str, Any] = {
        "proposal": proposal,
        "form": form,
        "is_buddy": is_buddy,
        "is_school": is_school,
        # a buddy sees the participant's first name and needs only (DOMAIN.md)
        "full_view": is_school
        or policy.can_match(user, proposal.programme)
        or policy.is_platform_admin(user),
        "needs": selectors.needs_labels(proposal.referral),
        "transitions": proposal.transitions.select_related("actor"),
    }
    audit_view(actor=user, target=selectors.seen_in_proposal(proposal))
    return render(request, "matching/proposal_detail.html", context)
