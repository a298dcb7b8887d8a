"""The expense pages (issue 21, points 4 and 6): a buddy's claims on the phone, the
coordinators' queue and decisions, the payment file, and the platform admin's figures per
year. Claims are loaded from the policy-scoped queryset (out of scope: 404); an action the
person may not take on a claim they see is 403."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal
from typing import Any
from uuid import UUID

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from buddywerk.access import policy
from buddywerk.common.audit import AuditAction, audit_record, audit_view
from buddywerk.common.forms import form_submit, message_submit
from buddywerk.common.http import AuthenticatedHttpRequest
from buddywerk.common.once import once_made, submit_once
from buddywerk.common.receipts import receipt_response, stored_extension
from buddywerk.organisations.models import Programme

from . import payments, selectors, services
from .forms import ClaimOpenForm, DecideForm, ExportForm, LineForm, PayForm, YearForm
from .iban import iban_clean, iban_display
from .models import ClaimStatus, ExpenseClaim, ExpenseLine, ExpenseYear
from .workflow import CLAIM


def _claim(request: AuthenticatedHttpRequest, claim_uuid: UUID) -> ExpenseClaim:
    return get_object_or_404(selectors.expense_claims_for(request.user), uuid=claim_uuid)


@submit_once
def claims_mine(request: AuthenticatedHttpRequest) -> HttpResponse:
    """A buddy's claims, newest month first, and the form to start a month's claim."""
    if not policy.can_claim_expenses(request.user):
        raise PermissionDenied
    programmes = Programme.objects.filter(
        pk__in=policy.approved_buddy_programme_ids(request.user)
    ).order_by("name")
    form = ClaimOpenForm(request.POST or None, programmes=programmes)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        claim = form_submit(
            form,
            # The form's fields are the service's arguments.
            lambda: services.expense_claim_open(actor=request.user, **data),
        )
        if claim is not None:
            once_made(request, claim)
            return redirect("expenses:claim", claim_uuid=claim.uuid)
    claims = selectors.expense_claims_own(request.user).prefetch_related("lines")
    return render(request, "expenses/mine.html", {"form": form, "claims": claims})


@submit_once
def claim_detail(request: AuthenticatedHttpRequest, claim_uuid: UUID) -> HttpResponse:
    """One claim: its lines and total; the buddy adds lines to a draft; a coordinator
    decides and records the payment."""
    claim = _claim(request, claim_uuid)
    is_claimant = claim.claimant_id == request.user.pk
    can_edit = (
        is_claimant
        and claim.status == ClaimStatus.DRAFT
        and policy.is_expense_claimant(request.user, claim)
    )
    form = None
    if can_edit:
        form = LineForm(request.POST or None, request.FILES or None, kind=claim.kind)
        if request.method == "POST" and form.is_valid():
            data = form.cleaned_data
            line = form_submit(
                form,
                # The form's fields are the service's arguments.
                lambda: services.expense_line_add(actor=request.user, claim=claim, **data),
            )
            if line is not None:
                once_made(request, line)
                messages.success(request, _("Added to your claim."))
                return redirect("expenses:claim", claim_uuid=claim.uuid)
    elif request.method == "POST":
        raise PermissionDenied
    if not is_claimant and claim.claimant is not None:
        audit_view(actor=request.user, target=claim)
    context = {
        "claim": claim,
        "lines": claim.lines.all(),
        "form": form,
        "iban": iban_display(claim.iban),
        "can_submit": CLAIM.allows(request.user, claim, "submit"),
        "can_reopen": CLAIM.allows(request.user, claim, "reopen"),
        "decide_form": DecideForm() if CLAIM.allows(request.user, claim, "approve") else None,
        "pay_form": PayForm() if CLAIM.allows(request.user, claim, "pay") else None,
        "states": ClaimStatus,
    }
    return render(request, "expenses/claim.html", context)


def _transition_view(name: str):  # type: ignore[no-untyped-def]
    @require_POST
    def view(request: AuthenticatedHttpRequest, claim_uuid: UUID) -> HttpResponse:
        claim = _claim(request, claim_uuid)
        if not CLAIM.allows(request.user, claim, name):
            raise PermissionDenied
        if name == "submit":
            message_submit(
                request,
                lambda: services.expense_claim_submit(actor=request.user, claim=claim),
                _("Your claim is sent to the coordinators."),
            )
        else:
            message_submit(
                request,
                lambda: services.expense_claim_reopen(actor=request.user, claim=claim),
                _("Your claim is a draft again: you can change it."),
            )
        return redirect("expenses:claim", claim_uuid=claim.uuid)

    view.__name__ = f"claim_{name}"
    return view


claim_submit = _transition_view("submit")
claim_reopen = _transition_view("reopen")


def _coordinator_step(
    request: AuthenticatedHttpRequest,
    claim_uuid: UUID,
    form: DecideForm | PayForm,
    run: Callable[[ExpenseClaim, dict[str, Any]], object],
    done: str,
) -> HttpResponse:
    """A coordinator's step on a claim with a small form (a decision, a payment): done,
    back to the queue; refused, back to the claim with the form's errors as messages."""
    claim = _claim(request, claim_uuid)
    if not policy.can_decide_expense_claim(request.user, claim):
        raise PermissionDenied
    if form.is_valid():
        data = form.cleaned_data
        if form_submit(form, lambda: run(claim, data)) is not None:
            messages.success(request, done)
            return redirect("expenses:queue")
    for errors in form.errors.values():
        for message in errors:
            messages.error(request, str(message))
    return redirect("expenses:claim", claim_uuid=claim.uuid)


@require_POST
def claim_decide(request: AuthenticatedHttpRequest, claim_uuid: UUID) -> HttpResponse:
    return _coordinator_step(
        request,
        claim_uuid,
        DecideForm(request.POST),
        lambda claim, data: (
            services.expense_claim_approve(actor=request.user, claim=claim)
            if data["decision"] == "approve"
            else services.expense_claim_refuse(
                actor=request.user, claim=claim, reason=data["reason"]
            )
        ),
        _("Your decision is saved; the buddy sees it."),
    )


@require_POST
def claim_pay(request: AuthenticatedHttpRequest, claim_uuid: UUID) -> HttpResponse:
    return _coordinator_step(
        request,
        claim_uuid,
        PayForm(request.POST),
        lambda claim, data: services.expense_claim_pay(
            actor=request.user, claim=claim, reference=data["reference"]
        ),
        _("The payment is recorded."),
    )


@require_POST
def line_delete(
    request: AuthenticatedHttpRequest, claim_uuid: UUID, line_uuid: UUID
) -> HttpResponse:
    claim = _claim(request, claim_uuid)
    line = get_object_or_404(ExpenseLine, claim=claim, uuid=line_uuid)
    if not policy.is_expense_claimant(request.user, claim):
        raise PermissionDenied
    message_submit(
        request,
        lambda: services.expense_line_delete(actor=request.user, line=line),
        _("Removed from your claim."),
    )
    return redirect("expenses:claim", claim_uuid=claim.uuid)


def receipt(request: AuthenticatedHttpRequest, claim_uuid: UUID, line_uuid: UUID) -> HttpResponse:
    """The receipt, to the claimant and the programme's coordinators only (audited)."""
    claim = _claim(request, claim_uuid)
    line = get_object_or_404(
        ExpenseLine.objects.select_related("claim"), claim=claim, uuid=line_uuid
    )
    if not line.receipt:
        raise Http404
    if not policy.can_view_expense_receipt(request.user, line):
        raise PermissionDenied
    audit_record(
        actor=request.user,
        action=AuditAction.EXPENSE_RECEIPT_VIEW,
        target=claim,
        detail={"line": str(line.uuid)},
    )
    return receipt_response(
        line.receipt,
        content_type=line.receipt_type,
        filename=f"bon-{line.date:%Y-%m-%d}.{stored_extension(line.receipt)}",
        inline=True,
    )


def queue(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The coordinator's claims to decide or to pay, and the programmes to export."""
    if not policy.can_decide_expenses(request.user):
        raise PermissionDenied
    claims = selectors.expense_claims_to_decide(request.user).prefetch_related("lines")
    programmes = Programme.objects.filter(
        pk__in=policy.expense_programme_ids(request.user)
    ).order_by("name")
    return render(request, "expenses/queue.html", {"claims": claims, "programmes": programmes})


def export(request: AuthenticatedHttpRequest, programme_uuid: UUID) -> HttpResponse:
    """The payment file of the programme's approved claims (SEPA XML or CSV)."""
    programme = get_object_or_404(
        Programme.objects.filter(pk__in=policy.expense_programme_ids(request.user)),
        uuid=programme_uuid,
    )
    claims = list(
        selectors.expense_claims_to_decide(request.user)
        .filter(programme=programme, status=ClaimStatus.APPROVED)
        .prefetch_related("lines")
    )
    form = ExportForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            debtor_iban = iban_clean(data["debtor_iban"])
        except ValidationError:
            form.add_error("debtor_iban", _("This is not a valid IBAN."))
        else:
            if not claims:
                form.add_error(None, _("There are no approved claims to pay."))
            else:
                return _payment_file(request, programme, claims, data, debtor_iban)
    total = sum((c.total for c in claims), start=Decimal("0.00"))
    return render(
        request,
        "expenses/export.html",
        {"programme": programme, "claims": claims, "form": form, "total": total},
    )


def _payment_file(request, programme, claims, data, debtor_iban):  # type: ignore[no-untyped-def]
    transfers = payments.transfers_of(claims)
    services.expense_payment_export_record(
        actor=request.user, programme=programme, claims=claims, file_format=data["file_format"]
    )
    now = timezone.localtime()
    stamp = f"{now:%Y%m%d-%H%M%S}"
    if data["file_format"] == "csv":
        body, content_type, name = payments.payment_csv(transfers), "text/csv", "csv"
    else:
        body = payments.payment_pain001(
            transfers,
            debtor=payments.Debtor(
                name=data["debtor_name"], iban=debtor_iban, bic=data["debtor_bic"] or ""
            ),
            message_id=f"BW-{stamp}-{programme.pk}",
            execution_date=data["execution_date"],
            created_at=now,
        )
        content_type, name = "application/xml", "xml"
    response = HttpResponse(body, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="onkosten-{stamp}.{name}"'
    response["Cache-Control"] = "private, no-store"
    return response


def years(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The platform admin sets the legal figures of each calendar year (audited)."""
    if not policy.can_set_expense_years(request.user):
        raise PermissionDenied
    initial = {"year": dt.date.today().year}  # noqa: DTZ011 - a default, changed at will
    form = YearForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        if form_submit(
            form, lambda: services.expense_year_set(actor=request.user, **form.cleaned_data)
        ):
            messages.success(request, _("The figures of the year are saved."))
            return redirect("expenses:years")
    return render(
        request, "expenses/years.html", {"form": form, "years": ExpenseYear.objects.all()}
    )
