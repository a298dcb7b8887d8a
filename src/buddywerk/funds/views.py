"""The study grant's page with the forms of its next steps, and its receipts (issue 21,
points 3 and 6). A grant outside the user's scope answers 404 (funds/selectors.py); a step
the user may not take on a grant they see is 403; a step the grant is past (a form sent
twice) changes nothing and says so. A receipt is served only to those who see its grant,
never by the web server from the media folder."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from uuid import UUID

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from buddywerk.access import policy
from buddywerk.access.models import Membership, Role, User
from buddywerk.common import clock
from buddywerk.common.audit import audit_view, audit_view_many
from buddywerk.common.forms import errors_to_form, form_submit
from buddywerk.common.http import AuthenticatedHttpRequest
from buddywerk.common.once import once_made, submit_once
from buddywerk.common.receipts import receipt_response, stored_extension
from buddywerk.common.workflow import TransitionNotAllowed
from buddywerk.organisations.models import Programme
from buddywerk.reports.periods import school_year_of
from buddywerk.trajectories.selectors import trajectory_get_for_view

from . import selectors, services
from .forms import (
    BudgetForm,
    CostForm,
    FundForm,
    FundingForm,
    GrantRequestForm,
    PaymentForm,
    ReceiptForm,
    RefuseForm,
)
from .models import BudgetLine, Cost, Funding, Grant, GrantFund, GrantStatus, GrantTransition
from .services import grant_paid_total
from .workflow import GRANT


def _step_forms(user: Any, grant: Grant) -> dict[str, Any]:
    """The steps `user` may take on `grant` now: the page shows only these."""
    decide = GRANT.allows(user, grant, "approve") and grant.first_approved_by_id != user.pk
    return {
        "can_submit": GRANT.allows(user, grant, "submit"),
        "can_approve": decide,
        "waits_for_second": grant.status == GrantStatus.SUBMITTED
        and grant.first_approved_by_id is not None,
        "refuse_form": RefuseForm() if decide else None,
        "payment_form": PaymentForm() if GRANT.allows(user, grant, "pay") else None,
        "receipt_form": ReceiptForm()
        if grant.status in (GrantStatus.PAID, GrantStatus.JUSTIFIED)
        and policy.can_justify_grant(user, grant)
        else None,
        "can_close": GRANT.allows(user, grant, "close"),
    }


def _history_label(step: GrantTransition) -> str:
    """What a line of the grant's history says: the first approval of the two (four-eyes)
    leaves the grant submitted, so it says so rather than repeating "submitted"."""
    if step.transition == "approve_first":
        return _("First approval (a second one is still needed)")
    if step.transition == "approve":
        return _("Second approval: approved")
    return str(GRANT.state_label(step.to_status))


def _page(
    request: AuthenticatedHttpRequest, grant: Grant, **bound: forms.Form | None
) -> HttpResponse:
    if grant.pupil is not None:
        audit_view(actor=request.user, target=grant.pupil)
    context: dict[str, Any] = {
        "grant": grant,
        "paid": (paid := grant_paid_total(grant)),
        "left": grant.amount - paid,
        "payments": list(grant.payments.all()),
        "receipts": list(grant.receipts.all()),
        "history": [
            (step.at, _history_label(step), step.reason) for step in grant.transitions.all()
        ],
        **_step_forms(request.user, grant),
    }
    context.update(bound)
    return render(request, "funds/grant_detail.html", context)


@require_http_methods(["GET", "HEAD"])
@submit_once  # the payment and receipt forms on the page carry a one-time token
def grant_detail(request: AuthenticatedHttpRequest, grant_uuid: UUID) -> HttpResponse:
    grant = selectors.grant_get_for(request.user, grant_uuid=grant_uuid)
    return _page(request, grant)


def _already_past(request: AuthenticatedHttpRequest, grant: Grant) -> None:
    grant.refresh_from_db()
    messages.error(
        request,
        _("Nothing changed: this grant is already past that step (now: %(status)s).")
        % {"status": grant.get_status_display()},
    )


def _grant_allowed(
    request: AuthenticatedHttpRequest, grant_uuid: UUID, allowed: Callable[[Any, Grant], bool]
) -> Grant:
    """The grant the person sees (404 otherwise), if `allowed` lets them take the step
    (403 otherwise)."""
    grant = selectors.grant_get_for(request.user, grant_uuid=grant_uuid)
    if not allowed(request.user, grant):
        raise PermissionDenied
    return grant


def _step_view(
    allowed: Callable[[Any, Grant], bool],
    run: Callable[..., object],
    done: Promise,
) -> Callable[[AuthenticatedHttpRequest, UUID], HttpResponse]:
    """The view of a step without fields (submit, approve, close): `run(grant=, actor=)`,
    the service, decides; a refusal is a message and nothing changes."""

    @require_POST
    def view(request: AuthenticatedHttpRequest, grant_uuid: UUID) -> HttpResponse:
        grant = _grant_allowed(request, grant_uuid, allowed)
        try:
            run(grant=grant, actor=request.user)
        except TransitionNotAllowed:
            _already_past(request, grant)
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
        else:
            messages.success(request, str(done))
        return redirect("funds:grant_detail", grant_uuid=grant.uuid)

    view.__name__ = run.__name__
    return view


grant_submit = _step_view(
    policy.can_submit_grant,
    services.grant_submit,
    gettext_lazy("The request is sent: two coordinators of the programme decide on it."),
)
grant_approve = _step_view(
    policy.can_decide_grant, services.grant_approve, gettext_lazy("Your approval is saved.")
)
grant_close = _step_view(
    policy.can_pay_grant, services.grant_close, gettext_lazy("The grant's file is closed.")
)


def _form_step(
    request: AuthenticatedHttpRequest,
    grant: Grant,
    form: forms.Form,
    name: str,
    run: Callable[[dict[str, Any]], Any],
    done: str,
    *,
    once: bool = False,
) -> HttpResponse:
    """A step with fields: errors in Dutch on the form, shown again on the grant's page."""
    if form.is_valid():
        try:
            result = run(form.cleaned_data)
        except TransitionNotAllowed:
            _already_past(request, grant)
            return redirect("funds:grant_detail", grant_uuid=grant.uuid)
        except ValidationError as error:
            errors_to_form(form, error)
            result = None
        if result is not None:
            if once:
                once_made(request, result)
            messages.success(request, done)
            return redirect("funds:grant_detail", grant_uuid=grant.uuid)
    grant.refresh_from_db()
    return _page(request, grant, **{name: form})


@require_POST
def grant_refuse(request: AuthenticatedHttpRequest, grant_uuid: UUID) -> HttpResponse:
    grant = _grant_allowed(request, grant_uuid, policy.can_decide_grant)
    if grant.status != GrantStatus.SUBMITTED:
        _already_past(request, grant)
        return redirect("funds:grant_detail", grant_uuid=grant.uuid)
    return _form_step(
        request,
        grant,
        RefuseForm(request.POST),
        "refuse_form",
        lambda data: services.grant_refuse(grant=grant, actor=request.user, reason=data["reason"]),
        _("The grant is refused; the requester sees your reason."),
    )


@require_POST
@submit_once
def grant_payment(request: AuthenticatedHttpRequest, grant_uuid: UUID) -> HttpResponse:
    grant = _grant_allowed(request, grant_uuid, policy.can_pay_grant)
    return _form_step(
        request,
        grant,
        PaymentForm(request.POST),
        "payment_form",
        lambda data: services.grant_payment_record(grant=grant, actor=request.user, **data),
        _("The payment is recorded."),
        once=True,
    )


@require_POST
@submit_once
def grant_receipt_upload(request: AuthenticatedHttpRequest, grant_uuid: UUID) -> HttpResponse:
    grant = _grant_allowed(request, grant_uuid, policy.can_justify_grant)
    return _form_step(
        request,
        grant,
        ReceiptForm(request.POST, request.FILES),
        "receipt_form",
        lambda data: services.grant_receipt_add(grant=grant, actor=request.user, file=data["file"]),
        _("The receipt is added: thank you."),
        once=True,
    )


@require_http_methods(["GET", "HEAD"])
def grant_receipt(
    request: AuthenticatedHttpRequest, grant_uuid: UUID, receipt_id: int
) -> HttpResponse:
    receipt = selectors.grant_receipt_get_for(
        request.user, grant_uuid=grant_uuid, receipt_id=receipt_id
    )
    return receipt_response(
        receipt.file,
        content_type=receipt.content_type,
        filename=f"receipt-{receipt.pk}.{stored_extension(receipt.file)}",
    )


@require_http_methods(["GET", "HEAD"])
def cost_receipt(
    request: AuthenticatedHttpRequest, programme_uuid: UUID, cost_id: int
) -> HttpResponse:
    """The receipt of a cost the programme entered (issue 21, points 5 and 6): to those
    who may see it (policy.can_view_cost_receipt); for everyone else it does not exist."""
    cost = get_object_or_404(
        policy.costs_visible_to(request.user, Cost.objects.select_related("programme")),
        programme__uuid=programme_uuid,
        pk=cost_id,
    )
    if not policy.can_view_cost_receipt(request.user, cost) or not cost.receipt:
        raise Http404
    return receipt_response(
        cost.receipt,
        content_type=cost.receipt_type,
        filename=f"cost-{cost.pk}.{stored_extension(cost.receipt)}",
    )


# --- Requesting a grant from a duo (point 3) -----------------------------------------------


@submit_once
def grant_request(request: AuthenticatedHttpRequest, trajectory_uuid: UUID) -> HttpResponse:
    """A grant for a pupil of the duo, asked by its buddy or mentor, the pupil's school or a
    coordinator of the programme; it starts as a draft that the grant page sends."""
    duo = trajectory_get_for_view(user=request.user, trajectory_uuid=trajectory_uuid)
    if not policy.can_request_grant(request.user, duo):
        raise PermissionDenied
    pupils = {p.pupil.pk: p.pupil for p in duo.participants.all() if p.pupil is not None}
    if not pupils:
        raise Http404
    staff = (
        User.objects.filter(
            is_active=True,
            pk__in=Membership.objects.active()
            .filter(
                role=Role.SCHOOL_STAFF,
                organisation_id__in={p.school_id for p in pupils.values()},
            )
            .values("user_id"),
        )
        .order_by("first_name", "last_name")
        .distinct()
    )
    form = GrantRequestForm(
        request.POST or None,
        pupils=[(pk, f"{p.first_name} {p.last_name}") for pk, p in pupils.items()],
        care_coordinators=[(u.pk, u.get_full_name() or u.email) for u in staff],
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        helper = staff.filter(pk=data["care_coordinator"]).first()
        grant = form_submit(
            form,
            lambda: services.grant_request(
                trajectory=duo,
                pupil=pupils[data["pupil"]],
                purpose=data["purpose"],
                amount=data["amount"],
                reason=data["reason"],
                care_coordinator=helper,
                actor=request.user,
            ),
        )
        if grant is not None:
            once_made(request, grant)
            messages.success(
                request, _("Your request is saved as a draft. Check it and send it below.")
            )
            return redirect("funds:grant_detail", grant_uuid=grant.uuid)
    return render(request, "funds/grant_request.html", {"form": form, "duo": duo})


# --- The grants list (point 3) -------------------------------------------------------------


@require_http_methods(["GET", "HEAD"])
def grant_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The grants of the user's programmes (coordinators) or of their own pupils (schools),
    per programme, with the fund's balance and the link to the finances for coordinators."""
    if not policy.can_list_grants(request.user):
        raise PermissionDenied
    status = request.GET.get("status", "")
    if status not in GrantStatus.values:
        status = ""
    grants = list(selectors.grants_for(request.user, status=status))
    audit_view_many(actor=request.user, targets=[g.pupil for g in grants if g.pupil is not None])
    managed = Programme.objects.filter(
        pk__in=policy.organisation_ids(request.user, Role.PROGRAMME_COORDINATOR)
    ).order_by("name")
    year = school_year_of(clock.today())
    funds_now = {
        f.programme_id: (f, services.fund_balance(f))
        for f in GrantFund.objects.filter(programme__in=managed, school_year=year)
    }
    groups: dict[int, dict[str, Any]] = {}
    for programme in managed:
        groups[programme.pk] = {"programme": programme, "grants": [], "manages": True}
    for grant in grants:
        programme = grant.fund.programme
        group = groups.setdefault(
            programme.pk, {"programme": programme, "grants": [], "manages": False}
        )
        group["grants"].append(grant)
    for pk, group in groups.items():
        group["fund"], group["balance"] = funds_now.get(pk, (None, None))
    return render(
        request,
        "funds/grant_list.html",
        {
            "groups": list(groups.values()),
            "status": status,
            "statuses": GrantStatus.choices,
            "school_year": f"{year}-{year + 1}",
        },
    )


# --- The programme's finances (point 5 of the issue: what the financial report reads) -------

FINANCE_FORMS: dict[str, type[forms.Form]] = {
    "fund": FundForm,
    "budget": BudgetForm,
    "funding": FundingForm,
    "cost": CostForm,
}


def _finance_write(
    request: AuthenticatedHttpRequest, programme: Programme, name: str, data: dict[str, Any]
) -> Any:
    actor = request.user
    if name == "fund":
        return services.grant_fund_set(programme=programme, actor=actor, **data)
    if name == "budget":
        return services.budget_line_set(programme=programme, actor=actor, **data)
    if name == "funding":
        return services.funding_record(programme=programme, actor=actor, **data)
    return services.cost_record(programme=programme, actor=actor, **data)


@submit_once
def finances(request: AuthenticatedHttpRequest, programme_uuid: UUID) -> HttpResponse:
    """A programme's coordinators set the grant fund per school year and the budget per
    category, and enter the money received and the costs with their receipts."""
    programme = get_object_or_404(
        Programme.objects.filter(
            pk__in=policy.organisation_ids(request.user, Role.PROGRAMME_COORDINATOR)
        ),
        uuid=programme_uuid,
    )
    if not policy.can_manage_finances(request.user, programme):
        raise PermissionDenied
    bound: dict[str, forms.Form] = {}
    if request.method == "POST":
        name = request.POST.get("form", "")
        if name not in FINANCE_FORMS:
            raise Http404
        form = FINANCE_FORMS[name](request.POST, request.FILES or None, prefix=name)
        bound[name] = form
        if form.is_valid():
            row = form_submit(
                form, lambda: _finance_write(request, programme, name, form.cleaned_data)
            )
            if row is not None:
                if name in ("funding", "cost"):
                    once_made(request, row)
                messages.success(request, _("Saved."))
                return redirect("funds:finances", programme_uuid=programme.uuid)
    page_forms = {
        f"{name}_form": bound.get(name) or cls(prefix=name) for name, cls in FINANCE_FORMS.items()
    }
    grant_funds = [
        (fund, services.fund_committed(fund), services.fund_balance(fund))
        for fund in GrantFund.objects.filter(programme=programme)
    ]
    return render(
        request,
        "funds/finances.html",
        {
            "programme": programme,
            "grant_funds": grant_funds,
            "budget_lines": BudgetLine.objects.filter(programme=programme).order_by(
                "-school_year", "category"
            ),
            "fundings": Funding.objects.filter(programme=programme).order_by("-received_on"),
            "costs": Cost.objects.filter(programme=programme).order_by("-spent_on"),
            **page_forms,
        },
    )
