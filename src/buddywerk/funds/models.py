"""Money of a programme (issue 21, points 3 and 5).

- `GrantFund`: the study grant fund of a programme for one school year (amount, funder).
- `Grant`: a study grant for a pupil in a duo, a state machine (workflow.py), with its
  `GrantPayment`s and `GrantReceipt`s.
- `Funding`: money the programme received (amount, funder, purpose).
- `BudgetLine` and `Cost`: the programme's budget per category and school year, and the
  costs it enters with a receipt.

Amounts are exact decimals in euro (DecimalField, two places); nothing here is a float.
Money records are kept for the accounts: when a pupil's data is purged or erased, a grant
loses its link to the pupil and the duo and its free text (services.grants_anonymise).
"""

from __future__ import annotations

from decimal import Decimal

from django.core.validators import MaxLengthValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from buddywerk.common.fields import ByUserField, ParentKey, ProtectedKey
from buddywerk.common.models import PublicModel, TimeStampedModel, TransitionLog

CENT = Decimal("0.01")
MAX_DIGITS = 12
REASON_MAX = 2000


def money_field(verbose_name: object, **kwargs: object) -> models.DecimalField:  # type: ignore[type-arg]
    return models.DecimalField(
        verbose_name,  # type: ignore[arg-type]
        max_digits=MAX_DIGITS,
        decimal_places=2,
        validators=[MinValueValidator(CENT)],
        **kwargs,  # type: ignore[arg-type]
    )


class GrantFund(TimeStampedModel):
    """The study grants a programme may give in one school year (R19): never overdrawn."""

    programme = ProtectedKey("organisations.Programme", _("programme"), related_name="grant_funds")
    school_year = models.PositiveSmallIntegerField(
        _("school year"), help_text=_("The year the school year starts in (2026 for 2026-2027).")
    )
    amount = money_field(_("amount (euro)"))
    funder = models.CharField(_("funder"), max_length=200)
    receipt_days = models.PositiveSmallIntegerField(
        _("days to hand in a receipt"),
        default=60,
        help_text=_("After the full payment, the receipt is due within this many days."),
    )

    class Meta:
        verbose_name = _("grant fund")
        verbose_name_plural = _("grant funds")
        ordering = ["-school_year", "programme"]
        constraints = [
            models.UniqueConstraint(fields=["programme", "school_year"], name="grant_fund_once"),
            models.CheckConstraint(condition=Q(amount__gt=0), name="grant_fund_amount_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.programme} {self.school_year}-{self.school_year + 1}"


class GrantPurpose(models.TextChoices):
    MATERIALS = "materials", _("Materials")
    TOOLS = "tools", _("Tools")
    COURSE_FEE = "course_fee", _("Course fee")
    EXAM_FEE = "exam_fee", _("Exam fee")
    TRANSPORT = "transport", _("Transport")


class GrantStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    APPROVED = "approved", _("Approved")
    REFUSED = "refused", _("Refused")
    PAID = "paid", _("Paid")
    JUSTIFIED = "justified", _("Justified")
    CLOSED = "closed", _("Closed")


# The states in which a grant holds money of its fund (approving reserves it).
COMMITTED_STATUSES = (
    GrantStatus.APPROVED,
    GrantStatus.PAID,
    GrantStatus.JUSTIFIED,
    GrantStatus.CLOSED,
)


class Grant(PublicModel):
    """A study grant for one pupil in a duo. The pupil and the duo are cleared (and the
    reason emptied) when the pupil's data is purged or erased; the money stays."""

    fund = ProtectedKey(GrantFund, _("grant fund"), related_name="grants")
    trajectory = models.ForeignKey(
        "trajectories.Trajectory",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="grants",
        verbose_name=_("duo"),
    )
    pupil = models.ForeignKey(
        "referrals.Pupil",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="grants",
        verbose_name=_("pupil"),
    )
    purpose = models.CharField(_("what for"), max_length=12, choices=GrantPurpose.choices)
    amount = money_field(_("amount (euro)"))
    reason = models.TextField(
        _("why"),
        max_length=REASON_MAX,
        blank=True,
        validators=[MaxLengthValidator(REASON_MAX)],
        help_text=_("Written by the mentor or buddy with the school's care coordinator."),
    )
    care_coordinator = ByUserField(_("written with (care coordinator)"), on_delete=models.PROTECT)
    requested_by = ByUserField(_("requested by"), on_delete=models.PROTECT)
    status = models.CharField(
        _("status"), max_length=12, choices=GrantStatus.choices, default=GrantStatus.DRAFT
    )
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    first_approved_by = ByUserField(_("first approval by"), on_delete=models.PROTECT)
    first_approved_at = models.DateTimeField(_("first approval at"), null=True, blank=True)
    decided_by = ByUserField(_("decided by"), on_delete=models.PROTECT)
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    receipt_due_on = models.DateField(_("receipt due on"), null=True, blank=True)
    reminded_on = models.DateField(_("reminded on"), null=True, blank=True)
    overdue_on = models.DateField(
        _("flagged overdue on"),
        null=True,
        blank=True,
        help_text=_("The receipt was not in by its due day."),
    )
    anonymised_at = models.DateTimeField(_("anonymised at"), null=True, blank=True)

    class Meta:
        verbose_name = _("study grant")
        verbose_name_plural = _("study grants")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["fund", "status"])]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="grant_amount_positive"),
            # Four-eyes (issue 21, point 3): the two deciders of an approval differ.
            models.CheckConstraint(
                condition=Q(first_approved_by__isnull=True)
                | Q(decided_by__isnull=True)
                | ~Q(first_approved_by=models.F("decided_by")),
                name="grant_two_different_deciders",
            ),
        ]


class GrantTransition(TransitionLog):
    grant = ParentKey(Grant, _("study grant"), related_name="transitions")

    class Meta(TransitionLog.Meta):
        verbose_name = _("study grant status change")
        verbose_name_plural = _("study grant status changes")


class Payee(models.TextChoices):
    PARENT = "parent", _("Parent or guardian")
    SUPPLIER = "supplier", _("Supplier")


class GrantPayment(TimeStampedModel):
    grant = ParentKey(Grant, _("study grant"), related_name="payments")
    amount = money_field(_("amount (euro)"))
    payee = models.CharField(_("paid to"), max_length=10, choices=Payee.choices)
    payee_name = models.CharField(
        _("name of the payee"),
        max_length=200,
        blank=True,
        help_text=_("The supplier's name; for a parent it is left out of the accounts."),
    )
    paid_on = models.DateField(_("paid on"))
    reference = models.CharField(_("payment reference"), max_length=100)
    recorded_by = ByUserField(_("recorded by"), on_delete=models.PROTECT)

    class Meta:
        verbose_name = _("grant payment")
        verbose_name_plural = _("grant payments")
        ordering = ["paid_on", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="grant_payment_positive")
        ]


class GrantReceipt(TimeStampedModel):
    grant = ParentKey(Grant, _("study grant"), related_name="receipts")
    file = models.FileField(_("receipt"), upload_to="receipts/grants/%Y/")
    content_type = models.CharField(_("file type"), max_length=40)
    size = models.PositiveIntegerField(_("size in bytes"))
    uploaded_by = ByUserField(_("uploaded by"), on_delete=models.PROTECT)

    class Meta:
        verbose_name = _("grant receipt")
        verbose_name_plural = _("grant receipts")
        ordering = ["created_at", "id"]


class Funding(TimeStampedModel):
    """Money the programme received (a subsidy, a gift): the income side of the report."""

    programme = ProtectedKey("organisations.Programme", _("programme"), related_name="fundings")
    funder = models.CharField(_("funder"), max_length=200)
    purpose = models.CharField(_("purpose"), max_length=300)
    amount = money_field(_("amount (euro)"))
    received_on = models.DateField(_("received on"))
    entered_by = ByUserField(_("entered by"), on_delete=models.PROTECT)

    class Meta:
        verbose_name = _("funding received")
        verbose_name_plural = _("fundings received")
        ordering = ["received_on", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="funding_amount_positive")
        ]


class CostCategory(models.TextChoices):
    """The costs a programme enters itself, with a receipt. Study grants come from the
    grants (not entered here)."""

    COORDINATION_STAFF = "staff", _("Coordination staff")
    OTHER = "other", _("Other costs")


class BudgetCategory(models.TextChoices):
    """What a programme budgets: its own costs, and the volunteer expenses its buddies
    claim (spent comes from the expenses app). Study grants are budgeted by the fund."""

    COORDINATION_STAFF = "staff", _("Coordination staff")
    OTHER = "other", _("Other costs")
    VOLUNTEER_EXPENSES = "expenses", _("Volunteer expenses")


class BudgetLine(TimeStampedModel):
    programme = ProtectedKey("organisations.Programme", _("programme"), related_name="budget_lines")
    school_year = models.PositiveSmallIntegerField(_("school year"))
    category = models.CharField(_("category"), max_length=10, choices=BudgetCategory.choices)
    amount = models.DecimalField(
        _("budget (euro)"),
        max_digits=MAX_DIGITS,
        decimal_places=2,
        validators=[MinValueValidator(Decimal(0))],
    )

    class Meta:
        verbose_name = _("budget line")
        verbose_name_plural = _("budget lines")
        constraints = [
            models.UniqueConstraint(
                fields=["programme", "school_year", "category"], name="budget_line_once"
            ),
            models.CheckConstraint(condition=Q(amount__gte=0), name="budget_line_not_negative"),
        ]


class Cost(TimeStampedModel):
    programme = ProtectedKey("organisations.Programme", _("programme"), related_name="costs")
    category = models.CharField(_("category"), max_length=10, choices=CostCategory.choices)
    description = models.CharField(_("description"), max_length=300)
    amount = money_field(_("amount (euro)"))
    spent_on = models.DateField(_("spent on"))
    receipt = models.FileField(_("receipt"), upload_to="receipts/costs/%Y/")
    receipt_type = models.CharField(_("file type"), max_length=40)
    entered_by = ByUserField(_("entered by"), on_delete=models.PROTECT)

    class Meta:
        verbose_name = _("cost")
        verbose_name_plural = _("costs")
        ordering = ["spent_on", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="cost_amount_positive")
        ]
