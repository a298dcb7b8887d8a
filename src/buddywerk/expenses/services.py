"""Writes of volunteer expenses (issue 21, points 4 and 6). Every money write is here, with
its audit event in the same transaction; the rules are in rules.py, who may do what in
access/policy.py, the state machine in workflow.py.

Each write that can change what a buddy receives locks the claimant's user row first, so
two claims of the same buddy never pass a ceiling together (PostgreSQL; SQLite writes one
at a time anyway).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from buddywerk.access import policy
from buddywerk.access.models import User
from buddywerk.common import clock
from buddywerk.common.audit import AuditAction, audit_record
from buddywerk.common.permissions import check_allowed
from buddywerk.common.receipts import receipt_kind
from buddywerk.common.workflow import transition_apply
from buddywerk.organisations.models import Programme
from buddywerk.trajectories.enums import MeetingStatus
from buddywerk.trajectories.models import Meeting

from . import rules
from .iban import iban_clean
from .models import ClaimStatus, ExpenseClaim, ExpenseLine, ExpenseYear, LineCategory
from .workflow import CLAIM

if TYPE_CHECKING:
    from collections.abc import Iterable

__all__ = [
    "expense_claim_approve",
    "expense_claim_open",
    "expense_claim_pay",
    "expense_claim_refuse",
    "expense_claim_reopen",
    "expense_claim_submit",
    "expense_claims_anonymise",
    "expense_line_add",
    "expense_line_delete",
    "expense_payment_export_record",
    "expense_year_set",
]


def _lock_claimant(claim: ExpenseClaim) -> None:
    if claim.claimant_id is not None:
        User.objects.select_for_update().filter(pk=claim.claimant_id).first()


def _require_draft(claim: ExpenseClaim) -> None:
    if claim.status != ClaimStatus.DRAFT:
        raise ValidationError(
            _("This claim is no longer a draft: it cannot be changed."), code="not_draft"
        )


@transaction.atomic
def expense_year_set(
    *,
    actor: User | None,
    year: int,
    day_ceiling: Decimal,
    year_ceiling: Decimal,
    km_rate: Decimal,
    km_ceiling_with_allowance: int,
    source: str,
) -> ExpenseYear:
    """A platform admin sets (or corrects) the legal figures of one calendar year."""
    check_allowed(actor, policy.can_set_expense_years)
    if not 2020 <= year <= 2100:
        raise ValidationError({"year": [_("Choose a calendar year from 2020 to 2100.")]})
    if day_ceiling > year_ceiling:
        raise ValidationError(
            {"day_ceiling": [_("The maximum per day cannot be more than the maximum per year.")]}
        )
    row = ExpenseYear.objects.select_for_update().filter(year=year).first() or ExpenseYear(
        year=year
    )
    before = (
        {
            "day_ceiling": str(row.day_ceiling),
            "year_ceiling": str(row.year_ceiling),
            "km_rate": str(row.km_rate),
            "km_ceiling_with_allowance": row.km_ceiling_with_allowance,
        }
        if row.pk
        else None
    )
    row.day_ceiling = day_ceiling
    row.year_ceiling = year_ceiling
    row.km_rate = km_rate
    row.km_ceiling_with_allowance = km_ceiling_with_allowance
    row.source = source.strip()
    row.full_clean()
    row.save()
    audit_record(
        actor=actor,
        action=AuditAction.EXPENSE_YEAR_SET,
        target=row,
        detail={
            "year": year,
            "before": before,
            "after": {
                "day_ceiling": str(row.day_ceiling),
                "year_ceiling": str(row.year_ceiling),
                "km_rate": str(row.km_rate),
                "km_ceiling_with_allowance": row.km_ceiling_with_allowance,
            },
        },
    )
    return row


@transaction.atomic
def expense_claim_open(
    *,
    actor: User,
    programme: Programme,
    month: dt.date,
    kind: str,
    holder_name: str,
    iban: str,
    today: dt.date | None = None,
) -> ExpenseClaim:
    """A buddy starts their claim of one month in one of their programmes."""
    check_allowed(actor, policy.can_claim_expenses)
    if programme.pk not in policy.approved_buddy_programme_ids(actor):
        raise ValidationError({"programme": [_("You are not a buddy of this programme.")]})
    first = month.replace(day=1)
    if first > clock.today(today).replace(day=1):
        raise ValidationError({"month": [_("You can only claim costs of a month that started.")]})
    rules.year_rule(first.year)
    User.objects.select_for_update().filter(pk=actor.pk).first()
    if ExpenseClaim.objects.filter(claimant=actor, programme=programme, month=first).exists():
        raise ValidationError(
            {
                "month": ValidationError(
                    _("You already have a claim for this month: add your costs to it."),
                    code="duplicate",
                )
            }
        )
    claim = ExpenseClaim(
        claimant=actor,
        programme=programme,
        month=first,
        kind=kind,
        holder_name=holder_name.strip(),
        iban=iban_clean(iban),
    )
    if not claim.holder_name:
        raise ValidationError({"holder_name": [_("Fill in the name of the account holder.")]})
    claim.full_clean()
    rules.check_kind_for_year(claim)
    claim.save()
    CLAIM.log_start(claim, actor=actor)
    audit_record(
        actor=actor,
        action=AuditAction.EXPENSE_CLAIM_OPEN,
        target=claim,
        detail={"month": f"{first:%Y-%m}", "kind": kind},
    )
    return claim


def _meeting_days(claim: ExpenseClaim, days: Iterable[dt.date]) -> set[dt.date]:
    """Which of `days` hold a logged meeting of the claimant's duo in the claim's programme
    (rules.md: the fixed allowance is only for such a day)."""
    if claim.claimant_id is None:
        return set()
    return set(
        Meeting.objects.filter(
            trajectory__buddy__user_id=claim.claimant_id,
            trajectory__programme_id=claim.programme_id,
            date__in=list(days),
            status=MeetingStatus.HAPPENED,
        ).values_list("date", flat=True)
    )


def _is_meeting_day(claim: ExpenseClaim, day: dt.date) -> bool:
    return day in _meeting_days(claim, [day])


def _check_allowance_days(claim: ExpenseClaim) -> None:
    """A meeting can be deleted or corrected to 'cancelled' after its day was claimed: each
    allowance day is checked again when the claim is sent and approved."""
    days = set(
        claim.lines.filter(category=LineCategory.ALLOWANCE_DAY).values_list("date", flat=True)
    )
    missing = sorted(days - _meeting_days(claim, days))
    if missing:
        raise ValidationError(
            ngettext(
                "The fixed allowance is for a day on which you logged a meeting. There is no "
                "such meeting on %(days)s any more: remove the allowance for that day.",
                "The fixed allowance is for a day on which you logged a meeting. There is no "
                "such meeting on %(days)s any more: remove the allowance for those days.",
                len(missing),
            )
            % {"days": ", ".join(date_format(day, "DATE_FORMAT") for day in missing)},
            code="no_meeting",
        )


@transaction.atomic
def expense_line_add(
    *,
    actor: User,
    claim: ExpenseClaim,
    date: dt.date,
    category: str,
    amount: Decimal | None = None,
    km: Decimal | None = None,
    description: str = "",
    receipt: UploadedFile[bytes] | None = None,
    today: dt.date | None = None,
) -> ExpenseLine:
    """The buddy adds one day's allowance, one real cost with its receipt, or one trip by
    kilometre to their draft claim; a line that breaks a rule is refused with the reason."""
    check_allowed(actor, policy.is_expense_claimant(actor, claim))
    _lock_claimant(claim)
    claim = ExpenseClaim.objects.select_for_update().get(pk=claim.pk)
    _require_draft(claim)
    if date > clock.today(today):
        raise ValidationError({"date": [_("Choose a day that has passed.")]})
    rule = rules.year_rule(claim.month.year)
    line = ExpenseLine(claim=claim, date=date, category=category, description=description.strip())
    if category == LineCategory.TRAVEL:
        if km is None or km <= 0:
            raise ValidationError({"km": [_("Fill in the kilometres you travelled.")]})
        line.km = km
        line.amount = rules.travel_amount(km, rule.km_rate)
    else:
        if amount is None or amount <= 0:
            raise ValidationError({"amount": [_("Fill in an amount above zero.")]})
        line.amount = amount
    if category == LineCategory.ALLOWANCE_DAY and not _is_meeting_day(claim, date):
        raise ValidationError(
            {
                "date": ValidationError(
                    _("The fixed allowance is for a day on which you logged a meeting."),
                    code="no_meeting",
                )
            }
        )
    if receipt is not None:
        content_type, extension = receipt_kind(receipt, field="receipt")
        receipt.name = f"receipt.{extension}"
        line.receipt = receipt
        line.receipt_type = content_type
    rules.check_line_fits_claim(claim, line)
    line.full_clean()
    line.save()
    try:
        rules.check_kind_for_year(claim)
        rules.check_ceilings(claim, day=date if category == LineCategory.ALLOWANCE_DAY else None)
    except ValidationError:
        # The rows roll back, the stored file would not: a refused line leaves no receipt.
        if line.receipt.name:
            line.receipt.storage.delete(line.receipt.name)
        raise
    audit_record(
        actor=actor,
        action=AuditAction.EXPENSE_LINE_ADD,
        target=claim,
        detail={"line": str(line.uuid), "category": category, "amount": str(line.amount)},
    )
    return line


@transaction.atomic
def expense_line_delete(*, actor: User, line: ExpenseLine) -> None:
    """The buddy removes a line from their draft claim."""
    claim = ExpenseClaim.objects.select_for_update().get(pk=line.claim_id)
    check_allowed(actor, policy.is_expense_claimant(actor, claim))
    _require_draft(claim)
    audit_record(
        actor=actor,
        action=AuditAction.EXPENSE_LINE_DELETE,
        target=claim,
        detail={"line": str(line.uuid), "amount": str(line.amount)},
    )
    if line.receipt:
        line.receipt.delete(save=False)
    line.delete()


def _apply(name: str, **kwargs: Any) -> ExpenseClaim:
    """Take transition `name` of the claim's state machine (common/workflow.py)."""
    locked: ExpenseClaim = transition_apply(CLAIM, name, **kwargs)
    return locked


def _check_whole_claim(claim: ExpenseClaim) -> None:
    if not claim.lines.exists():
        raise ValidationError(_("Add at least one cost before you send the claim."))
    _check_allowance_days(claim)
    rules.check_kind_for_year(claim)
    rules.check_ceilings(claim)


def expense_claim_submit(*, actor: User, claim: ExpenseClaim) -> ExpenseClaim:
    """The buddy sends the month's claim to the programme's coordinators."""
    return _apply(
        "submit",
        obj=claim,
        actor=actor,
        lock_first=lambda: _lock_claimant(claim),
        check=_check_whole_claim,
        detail={"total": str(claim.total)},
    )


def expense_claim_reopen(*, actor: User, claim: ExpenseClaim) -> ExpenseClaim:
    """The buddy takes a submitted claim back to change it."""
    return _apply("reopen", obj=claim, actor=actor)


def _decided(locked: ExpenseClaim, moment: dt.datetime, actor: User | None) -> list[str]:
    locked.decided_by = actor
    locked.decided_at = moment
    return ["decided_by", "decided_at"]


def expense_claim_approve(*, actor: User, claim: ExpenseClaim) -> ExpenseClaim:
    """A coordinator of the programme approves the claim; the ceilings are checked again
    (the figures of the year may have been corrected since)."""
    return _apply(
        "approve",
        obj=claim,
        actor=actor,
        lock_first=lambda: _lock_claimant(claim),
        check=_check_whole_claim,
        update=lambda locked, moment: _decided(locked, moment, actor),
        detail={"total": str(claim.total)},
    )


def expense_claim_refuse(*, actor: User, claim: ExpenseClaim, reason: str) -> ExpenseClaim:
    """A coordinator of the programme refuses the claim and says why (the buddy reads it)."""

    def update(locked: ExpenseClaim, moment: dt.datetime) -> list[str]:
        locked.decision_reason = reason.strip()
        return [*_decided(locked, moment, actor), "decision_reason"]

    return _apply("refuse", obj=claim, actor=actor, reason=reason, update=update)


def expense_claim_pay(
    *, actor: User | None, claim: ExpenseClaim, reference: str, now: dt.datetime | None = None
) -> ExpenseClaim:
    """A coordinator records that the approved claim was paid (the bank's reference)."""
    reference = reference.strip()
    if not reference:
        raise ValidationError({"reference": [_("Fill in the reference of the payment.")]})

    def update(locked: ExpenseClaim, moment: dt.datetime) -> list[str]:
        locked.paid_at = moment
        locked.payment_reference = reference[:35]
        return ["paid_at", "payment_reference"]

    return _apply("pay", obj=claim, actor=actor, update=update, now=now)


def expense_payment_export_record(
    *, actor: User, programme: Programme, claims: Iterable[ExpenseClaim], file_format: str
) -> None:
    """Audit that a payment file (with names and IBANs) left the platform."""
    audit_record(
        actor=actor,
        action=AuditAction.EXPENSE_PAYMENT_EXPORT,
        target=programme,
        detail={"format": file_format, "claims": [str(c.uuid) for c in claims]},
    )


@transaction.atomic
def expense_claims_anonymise(*, user: User, now: dt.datetime | None = None) -> int:
    """Erasure of a buddy's account (privacy.account_services.account_anonymise): claims
    that moved no money (draft, submitted, refused) are deleted; approved and paid claims
    stay for the accounts with their amounts, dates and categories, but without the
    account holder, the IBAN, the descriptions and the receipts. Returns the claims
    touched."""
    moment = clock.now(now)
    claims = list(ExpenseClaim.objects.select_for_update().filter(claimant=user))
    for claim in claims:
        for line in claim.lines.all():
            if line.receipt:
                line.receipt.delete(save=False)
        if claim.status in (ClaimStatus.DRAFT, ClaimStatus.SUBMITTED, ClaimStatus.REFUSED):
            claim.delete()
            continue
        claim.lines.update(description="", receipt="")
        claim.holder_name = ""
        claim.iban = ""
        claim.decision_reason = ""
        claim.anonymised_at = moment
        claim.save(
            update_fields=["holder_name", "iban", "decision_reason", "anonymised_at", "updated_at"]
        )
    if claims:
        audit_record(
            actor=None,
            action=AuditAction.EXPENSE_CLAIM_ANONYMISE,
            target=user,
            detail={"claims": len(claims)},
        )
    return len(claims)


def claim_kinds_taken(user: User, year: int) -> set[str]:
    """The kinds of claim the buddy already has in a year (the form offers only the one
    still allowed)."""
    return set(
        ExpenseClaim.objects.filter(
            claimant=user, month__year=year, status__in=rules.COUNTING
        ).values_list("kind", flat=True)
    )
