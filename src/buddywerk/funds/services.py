"""Writes of the funds app (issue 21, points 3, 5 and 6). Every money write is a service
here, with its actor and an audit event in the same transaction.

Study grants (R19):
- A grant is asked for a pupil in a duo, from the fund of the duo's programme for the
  current school year; it starts as a draft and is submitted.
- Four-eyes: two different coordinators of the programme approve it, and the requester is
  never one of them. One coordinator (not the requester) may refuse it, with a reason:
  refusing spends nothing.
- The fund is never overdrawn: the second approval locks the fund row (select_for_update)
  before the grant's and checks that the approved grants plus this one fit in the fund.
  Two approvals at once wait on that lock, so the second sees the first's grant.
- Payments (to the parent or guardian, or to a supplier) add up to at most the grant; when
  they reach it the grant is paid and its receipt is due `fund.receipt_days` later.
- A receipt (PDF, JPEG or PNG by content, at most 10 MB) justifies a paid grant. A week
  before the due day the requester gets one reminder; after it the grant is flagged and the
  coordinators are told (the scheduled `grant_receipts_check`).
- When a pupil's data is purged or erased, the grant keeps its money and loses the pupil,
  the duo and its free text (`grants_anonymise`): the accounts must stay complete.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from buddywerk.access import policy
from buddywerk.access.models import Membership, Role, User
from buddywerk.common import clock
from buddywerk.common.audit import AuditAction, audit_record
from buddywerk.common.receipts import receipt_kind
from buddywerk.common.storage import storage_full_as_error
from buddywerk.common.workflow import transition_apply
from buddywerk.mail.compose import mail_to_users
from buddywerk.organisations.models import Programme
from buddywerk.referrals.models import Pupil
from buddywerk.reports.periods import school_year_of
from buddywerk.trajectories.models import Trajectory

from .models import (
    CENT,
    COMMITTED_STATUSES,
    REASON_MAX,
    BudgetCategory,
    BudgetLine,
    Cost,
    CostCategory,
    Funding,
    Grant,
    GrantFund,
    GrantPayment,
    GrantPurpose,
    GrantReceipt,
    GrantStatus,
    Payee,
)
from .workflow import GRANT

REMINDER_BEFORE = dt.timedelta(days=7)
# No single study grant or cost is larger than this: a typing error, not a grant.
MAX_AMOUNT = Decimal("100000.00")


def euro(value: Any, *, field: str = "amount", allow_zero: bool = False) -> Decimal:
    """An exact amount in euro: a Decimal (or its text) with at most two decimals, more
    than zero; never a float (binary fractions of a cent are not money)."""
    if isinstance(value, float):
        raise TypeError("amounts are Decimals, never floats")
    try:
        amount = Decimal(str(value).strip().replace(",", "."))
    except (InvalidOperation, ValueError):
        raise ValidationError({field: [_("Give an amount in euro, e.g. 12.50.")]}) from None
    if not amount.is_finite() or amount != amount.quantize(CENT):
        raise ValidationError({field: [_("Give an amount in euro with at most two decimals.")]})
    if amount < 0 or (amount == 0 and not allow_zero):
        raise ValidationError({field: [_("Give an amount of more than zero.")]})
    if amount > MAX_AMOUNT:
        raise ValidationError({field: [_("This amount is too large.")]})
    return amount.quantize(CENT)


def fund_committed(fund: GrantFund) -> Decimal:
    """The money of `fund` held by approved (and later) grants."""
    total: Decimal | None = fund.grants.filter(status__in=COMMITTED_STATUSES).aggregate(
        s=Sum("amount")
    )["s"]
    return total or Decimal("0.00")


def fund_balance(fund: GrantFund) -> Decimal:
    amount: Decimal = fund.amount
    return amount - fund_committed(fund)


# --- The fund ----------------------------------------------------------------------------


def grant_fund_set(
    *,
    programme: Programme,
    school_year: int,
    amount: Any,
    funder: str,
    receipt_days: int = 60,
    actor: Any,
) -> GrantFund:
    """Create or change the programme's grant fund of `school_year`. It can never become
    smaller than what approved grants already hold."""
    if actor is not None and not policy.can_manage_finances(actor, programme):
        raise PermissionDenied
    value = euro(amount)
    if not funder.strip():
        raise ValidationError({"funder": [_("Name the funder.")]})
    with transaction.atomic():
        fund, created = GrantFund.objects.select_for_update().get_or_create(
            programme=programme,
            school_year=school_year,
            defaults={"amount": value, "funder": funder.strip(), "receipt_days": receipt_days},
        )
        if not created:
            if value < fund_committed(fund):
                raise ValidationError(
                    {"amount": [_("Approved grants already hold more than this amount.")]}
                )
            fund.amount, fund.funder, fund.receipt_days = value, funder.strip(), receipt_days
        fund.full_clean()
        fund.save()
        audit_record(
            actor=actor,
            action=AuditAction.GRANT_FUND_SET,
            target=fund,
            detail={"amount": str(value), "school_year": school_year},
        )
    return fund


# --- Grants ------------------------------------------------------------------------------


def grant_request(
    *,
    trajectory: Trajectory,
    pupil: Pupil,
    purpose: str,
    amount: Any,
    reason: str,
    care_coordinator: User | None = None,
    actor: Any,
    today: dt.date | None = None,
) -> Grant:
    """A draft grant for `pupil` in `trajectory`, from the fund of the duo's programme for
    the current school year."""
    if actor is not None and not policy.can_request_grant(actor, trajectory):
        raise PermissionDenied
    if not trajectory.participants.filter(pupil=pupil).exists():
        raise ValidationError({"pupil": [_("This pupil is not in the duo.")]})
    if purpose not in GrantPurpose.values:
        raise ValidationError({"purpose": [_("Choose what the grant is for.")]})
    value = euro(amount)
    text = reason.strip()
    if not text:
        raise ValidationError({"reason": [_("Write why the pupil needs this grant.")]})
    if len(text) > REASON_MAX:
        raise ValidationError(
            {"reason": [_("Write at most %(max)d characters.") % {"max": REASON_MAX}]}
        )
    if care_coordinator is not None and pupil.school_id not in policy.organisation_ids(
        care_coordinator, Role.SCHOOL_STAFF
    ):
        raise ValidationError(
            {"care_coordinator": [_("Choose a care coordinator of the pupil's school.")]}
        )
    year = school_year_of(today or timezone.localdate())
    fund = GrantFund.objects.filter(programme_id=trajectory.programme_id, school_year=year).first()
    if fund is None:
        raise ValidationError(
            {"amount": [_("The programme has no grant fund for this school year.")]}
        )
    if value > fund.amount:
        raise ValidationError({"amount": [_("This is more than the whole grant fund.")]})
    with transaction.atomic():
        grant = Grant(
            fund=fund,
            trajectory=trajectory,
            pupil=pupil,
            purpose=purpose,
            amount=value,
            reason=text,
            care_coordinator=care_coordinator,
            requested_by=actor if actor is not None else None,
        )
        grant.full_clean()
        grant.save()
        GRANT.log_start(grant, actor=actor)
        audit_record(
            actor=actor,
            action=AuditAction.GRANT_CREATE,
            target=grant,
            detail={"amount": str(value), "purpose": purpose},
        )
    return grant


def grant_submit(*, grant: Grant, actor: Any) -> Grant:
    def update(locked: Grant, moment: dt.datetime) -> list[str]:
        locked.submitted_at = moment
        return ["submitted_at"]

    result: Grant = transition_apply(GRANT, "submit", obj=grant, actor=actor, update=update)
    return result


def _check_covers(fund: GrantFund, grant: Grant) -> None:
    balance = fund_balance(fund)
    if grant.amount > balance:
        message = _("The grant fund has %(balance)s euro left: not enough for this grant.")
        raise ValidationError(
            {"amount": [ValidationError(message % {"balance": balance}, code="fund_overdrawn")]}
        )


def grant_approve(*, grant: Grant, actor: Any, now: dt.datetime | None = None) -> Grant:
    """One approval of the two (four-eyes). The first records who approved; the second,
    by another coordinator, approves under the fund's lock if the fund covers the grant."""
    fresh = Grant.objects.select_related("fund").get(pk=grant.pk)
    if fresh.first_approved_by_id is None:

        def first(locked: Grant, moment: dt.datetime) -> list[str]:
            locked.first_approved_by = actor
            locked.first_approved_at = moment
            return ["first_approved_by", "first_approved_at"]

        def check_first(locked: Grant) -> None:
            if locked.first_approved_by_id is not None:
                raise ValidationError(_("This grant already has its first approval."))
            _check_covers(locked.fund, locked)

        result: Grant = transition_apply(
            GRANT, "approve_first", obj=grant, actor=actor, check=check_first, update=first, now=now
        )
        return result

    def lock_fund() -> None:
        list(GrantFund.objects.select_for_update().filter(pk=fresh.fund_id).values_list("pk"))

    def check(locked: Grant) -> None:
        if locked.first_approved_by_id is None:
            raise ValidationError(_("This grant needs its first approval first."))
        if actor is not None and locked.first_approved_by_id == actor.pk:
            raise ValidationError(
                _("A second coordinator approves the grant: you gave the first approval.")
            )
        _check_covers(GrantFund.objects.get(pk=locked.fund_id), locked)

    def second(locked: Grant, moment: dt.datetime) -> list[str]:
        locked.decided_by = actor
        locked.decided_at = moment
        return ["decided_by", "decided_at"]

    result = transition_apply(
        GRANT,
        "approve",
        obj=grant,
        actor=actor,
        lock_first=lock_fund,
        check=check,
        update=second,
        detail={"amount": str(fresh.amount)},
        now=now,
    )
    return result


def grant_refuse(*, grant: Grant, actor: Any, reason: str) -> Grant:
    def update(locked: Grant, moment: dt.datetime) -> list[str]:
        locked.decided_by = actor
        locked.decided_at = moment
        return ["decided_by", "decided_at"]

    def check(locked: Grant) -> None:
        if actor is not None and locked.first_approved_by_id == actor.pk:
            raise ValidationError(_("You gave this grant its first approval."))

    result: Grant = transition_apply(
        GRANT, "refuse", obj=grant, actor=actor, reason=reason, check=check, update=update
    )
    return result


def grant_paid_total(grant: Grant) -> Decimal:
    total: Decimal | None = grant.payments.aggregate(s=Sum("amount"))["s"]
    return total or Decimal("0.00")


def grant_payment_record(
    *,
    grant: Grant,
    amount: Any,
    payee: str,
    payee_name: str = "",
    paid_on: dt.date,
    reference: str,
    actor: Any,
) -> GrantPayment:
    """Record one payment of an approved grant. The payments never exceed the grant; the
    one that completes it makes the grant paid, with its receipt due day."""
    value = euro(amount)
    if payee not in Payee.values:
        raise ValidationError({"payee": [_("Choose who was paid.")]})
    if payee == Payee.SUPPLIER and not payee_name.strip():
        raise ValidationError({"payee_name": [_("Name the supplier.")]})
    if not reference.strip():
        raise ValidationError({"reference": [_("Give the payment reference.")]})
    with transaction.atomic():
        locked = Grant.objects.select_for_update().select_related("fund").get(pk=grant.pk)
        if actor is not None and not policy.can_pay_grant(actor, locked):
            raise PermissionDenied
        if locked.status != GrantStatus.APPROVED:
            raise ValidationError(_("Only an approved grant that is not fully paid is paid."))
        paid = grant_paid_total(locked)
        if paid + value > locked.amount:
            raise ValidationError(
                {
                    "amount": [
                        _("%(left)s euro of this grant is still to be paid.")
                        % {"left": locked.amount - paid}
                    ]
                }
            )
        payment = GrantPayment(
            grant=locked,
            amount=value,
            payee=payee,
            payee_name=payee_name.strip() if payee == Payee.SUPPLIER else "",
            paid_on=paid_on,
            reference=reference.strip(),
            recorded_by=actor,
        )
        payment.full_clean()
        payment.save()
        audit_record(
            actor=actor,
            action=AuditAction.GRANT_PAYMENT_RECORD,
            target=locked,
            detail={"amount": str(value), "payee": payee, "paid_on": paid_on.isoformat()},
        )
        if paid + value == locked.amount:

            def due(row: Grant, moment: dt.datetime) -> list[str]:
                row.receipt_due_on = paid_on + dt.timedelta(days=row.fund.receipt_days)
                return ["receipt_due_on"]

            transition_apply(GRANT, "pay", obj=locked, actor=actor, update=due)
    grant.refresh_from_db()
    return payment


def grant_receipt_add(*, grant: Grant, file: UploadedFile[bytes], actor: Any) -> GrantReceipt:
    """Upload a receipt of a paid grant; the first one justifies it."""
    content_type, extension = receipt_kind(file, field="file")
    with transaction.atomic():
        locked = Grant.objects.select_for_update().select_related("fund").get(pk=grant.pk)
        if actor is not None and not policy.can_justify_grant(actor, locked):
            raise PermissionDenied
        if locked.status not in (GrantStatus.PAID, GrantStatus.JUSTIFIED):
            raise ValidationError({"file": [_("A receipt is added once the grant is paid.")]})
        receipt = GrantReceipt(
            grant=locked,
            content_type=content_type,
            size=file.size or 0,
            uploaded_by=actor,
        )
        # The stored name is ours: the uploader's file name never reaches the disk.
        with storage_full_as_error("file"):
            receipt.file.save(f"receipt.{extension}", file, save=False)
            receipt.save()
        audit_record(
            actor=actor,
            action=AuditAction.GRANT_RECEIPT_ADD,
            target=locked,
            detail={"content_type": content_type, "size": receipt.size},
        )
        if locked.status == GrantStatus.PAID:
            transition_apply(GRANT, "justify", obj=locked, actor=actor)
    grant.refresh_from_db()
    return receipt


def grant_close(*, grant: Grant, actor: Any) -> Grant:
    result: Grant = transition_apply(GRANT, "close", obj=grant, actor=actor)
    return result


def _coordinators(programme_id: int) -> list[User]:
    return list(
        User.objects.filter(
            pk__in=Membership.objects.active()
            .filter(role=Role.PROGRAMME_COORDINATOR, organisation_id=programme_id)
            .values("user_id"),
            is_active=True,
        )
    )


def grant_receipts_check(*, today: dt.date | None = None) -> tuple[int, int]:
    """The daily run, as the system: one reminder to the requester a week before the
    receipt's due day, and a flag (with a mail to the coordinators) the day after it.
    Returns (reminded, flagged). Each grant is told once."""
    day = today or clock.today()
    reminded = flagged = 0
    waiting = Grant.objects.filter(status=GrantStatus.PAID, receipt_due_on__isnull=False)
    for pk in waiting.filter(
        reminded_on__isnull=True, receipt_due_on__lte=day + REMINDER_BEFORE, receipt_due_on__gte=day
    ).values_list("pk", flat=True):
        with transaction.atomic():
            grant = Grant.objects.select_for_update().get(pk=pk)
            if grant.reminded_on is not None or grant.status != GrantStatus.PAID:
                continue
            grant.reminded_on = day
            grant.save(update_fields=["reminded_on", "updated_at"])
            users = [u for u in [grant.requested_by] if u is not None and u.is_active]
            mail_to_users(
                users=users,
                template="funds/email/receipt_reminder",
                kind="funds.receipt_reminder",
                context={"due": grant.receipt_due_on, "amount": grant.amount},
            )
            audit_record(actor=None, action=AuditAction.GRANT_REMINDER, target=grant)
            reminded += 1
    for pk in waiting.filter(overdue_on__isnull=True, receipt_due_on__lt=day).values_list(
        "pk", flat=True
    ):
        with transaction.atomic():
            grant = Grant.objects.select_for_update().select_related("fund").get(pk=pk)
            if grant.overdue_on is not None or grant.status != GrantStatus.PAID:
                continue
            grant.overdue_on = day
            grant.save(update_fields=["overdue_on", "updated_at"])
            mail_to_users(
                users=_coordinators(grant.fund.programme_id),
                template="funds/email/receipt_overdue",
                kind="funds.receipt_overdue",
                context={"due": grant.receipt_due_on, "amount": grant.amount},
            )
            audit_record(actor=None, action=AuditAction.GRANT_OVERDUE, target=grant)
            flagged += 1
    return reminded, flagged


def grants_anonymise(
    *, pupil_ids: Iterable[int], duo_ids: Iterable[int], now: dt.datetime | None = None
) -> int:
    """Privacy (R18; docs/rules.md): the grants of purged or erased pupils keep their
    money, dates and payments for the accounts, and lose the pupil, the duo, the reason,
    the care coordinator and a parent's name. Runs inside the purge's transaction."""
    from django.db.models import Q

    pupils, duos = list(pupil_ids), list(duo_ids)
    rows = Grant.objects.filter(Q(pupil_id__in=pupils) | Q(trajectory_id__in=duos))
    ids = list(rows.values_list("pk", flat=True))
    if not ids:
        return 0
    moment = clock.now(now)
    Grant.objects.filter(pk__in=ids).update(
        pupil=None, trajectory=None, reason="", care_coordinator=None, anonymised_at=moment
    )
    GrantPayment.objects.filter(grant_id__in=ids, payee=Payee.PARENT).update(payee_name="")
    for grant in Grant.objects.filter(pk__in=ids):
        audit_record(actor=None, action=AuditAction.GRANT_ANONYMISE, target=grant)
    return len(ids)


# --- The programme's own money (the financial report, point 5) ----------------------------


def funding_record(
    *,
    programme: Programme,
    funder: str,
    purpose: str,
    amount: Any,
    received_on: dt.date,
    actor: Any,
) -> Funding:
    if actor is not None and not policy.can_manage_finances(actor, programme):
        raise PermissionDenied
    value = euro(amount)
    row = Funding(
        programme=programme,
        funder=funder.strip(),
        purpose=purpose.strip(),
        amount=value,
        received_on=received_on,
        entered_by=actor,
    )
    with transaction.atomic():
        row.full_clean()
        row.save()
        audit_record(
            actor=actor,
            action=AuditAction.FUNDING_RECORD,
            target=row,
            detail={"amount": str(value)},
        )
    return row


def budget_line_set(
    *, programme: Programme, school_year: int, category: str, amount: Any, actor: Any
) -> BudgetLine:
    if actor is not None and not policy.can_manage_finances(actor, programme):
        raise PermissionDenied
    if category not in BudgetCategory.values:
        raise ValidationError({"category": [_("Choose a category.")]})
    value = euro(amount, allow_zero=True)
    with transaction.atomic():
        try:
            with transaction.atomic():
                line, _created = BudgetLine.objects.update_or_create(
                    programme=programme,
                    school_year=school_year,
                    category=category,
                    defaults={"amount": value},
                )
        except IntegrityError:
            raise ValidationError({"category": [_("Try again.")]}) from None
        audit_record(
            actor=actor,
            action=AuditAction.BUDGET_SET,
            target=line,
            detail={"amount": str(value), "category": category, "school_year": school_year},
        )
    return line


def cost_record(
    *,
    programme: Programme,
    category: str,
    description: str,
    amount: Any,
    spent_on: dt.date,
    receipt: UploadedFile[bytes],
    actor: Any,
) -> Cost:
    """A cost the programme made (coordination staff or other), always with its receipt."""
    if actor is not None and not policy.can_manage_finances(actor, programme):
        raise PermissionDenied
    if category not in CostCategory.values:
        raise ValidationError({"category": [_("Choose a category.")]})
    value = euro(amount)
    if not description.strip():
        raise ValidationError({"description": [_("Say what the cost was for.")]})
    content_type, extension = receipt_kind(receipt, field="receipt")
    cost = Cost(
        programme=programme,
        category=category,
        description=description.strip(),
        amount=value,
        spent_on=spent_on,
        receipt_type=content_type,
        entered_by=actor,
    )
    with transaction.atomic():
        with storage_full_as_error("receipt"):
            cost.receipt.save(f"receipt.{extension}", receipt, save=False)
        cost.full_clean()
        cost.save()
        audit_record(
            actor=actor,
            action=AuditAction.COST_RECORD,
            target=cost,
            detail={"amount": str(value), "category": category},
        )
    return cost
