"""Volunteer expenses (issue 21, point 4; the rules in rules.py, docs/rules.md).

`ExpenseYear` holds the Belgian ceilings of one calendar year, set by a platform admin.
A buddy's `ExpenseClaim` covers one month in one programme and is either a fixed volunteer
allowance per meeting day or real costs with receipts; both may add travel by kilometre
(`ExpenseLine`). Amounts are exact decimals in euro (two places, never floats).
"""

from __future__ import annotations

import uuid
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from buddywerk.common.dates import date_text
from buddywerk.common.fields import ByUserField, ParentKey
from buddywerk.common.models import TimeStampedModel, TransitionLog
from buddywerk.organisations.models import Programme

CENT = Decimal("0.01")


def money(verbose_name: Any, **kwargs: Any) -> models.DecimalField[Decimal, Decimal]:
    return models.DecimalField(
        verbose_name,
        max_digits=10,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0.00"))],
        **kwargs,
    )


class ExpenseYear(TimeStampedModel):
    """The legal ceilings of one calendar year (set by a platform admin, audited)."""

    year = models.PositiveSmallIntegerField(_("calendar year"), unique=True)
    day_ceiling = money(_("fixed allowance: maximum per day"))
    year_ceiling = money(_("fixed allowance: maximum per year"))
    km_rate = models.DecimalField(
        _("rate per kilometre"),
        max_digits=6,
        decimal_places=4,
        validators=[MinValueValidator(Decimal("0"))],
        help_text=_("In euro per kilometre, up to four decimals."),
    )
    km_ceiling_with_allowance = models.PositiveIntegerField(
        _("kilometres per year beside the fixed allowance"),
        help_text=_("Travel that may be paid on top of the fixed allowance in one year."),
    )
    source = models.TextField(_("source"), help_text=_("Where the figures come from."))

    class Meta:
        ordering = ["-year"]
        verbose_name = _("expense year")
        verbose_name_plural = _("expense years")

    def __str__(self) -> str:
        return str(self.year)


class ClaimKind(models.TextChoices):
    ALLOWANCE = "allowance", _("Fixed volunteer allowance")
    REAL = "real", _("Real costs with receipts")


class ClaimStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    APPROVED = "approved", _("Approved")
    REFUSED = "refused", _("Refused")
    PAID = "paid", _("Paid")


class LineCategory(models.TextChoices):
    ALLOWANCE_DAY = "allowance_day", _("Fixed allowance for a meeting day")
    REAL_COST = "real_cost", _("Real cost with receipt")
    TRAVEL = "travel", _("Travel by kilometre")


class ExpenseClaim(TimeStampedModel):
    """One buddy's claim for one month in one programme."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    claimant = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="expense_claims",
        verbose_name=_("claimant"),
        help_text=_("Empty after erasure: the amounts stay for the accounts."),
    )
    programme = models.ForeignKey(
        Programme, on_delete=models.PROTECT, related_name="expense_claims"
    )
    month = models.DateField(_("month"), help_text=_("The first day of the month."))
    kind = models.CharField(_("kind"), max_length=12, choices=ClaimKind.choices)
    status = models.CharField(
        _("status"), max_length=12, choices=ClaimStatus.choices, default=ClaimStatus.DRAFT
    )
    holder_name = models.CharField(_("account holder"), max_length=70, blank=True)
    iban = models.CharField(_("IBAN"), max_length=34, blank=True)
    decided_by = ByUserField(_("decided by"))
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decision_reason = models.TextField(_("reason"), blank=True)
    paid_at = models.DateTimeField(_("paid at"), null=True, blank=True)
    payment_reference = models.CharField(_("payment reference"), max_length=35, blank=True)
    anonymised_at = models.DateTimeField(_("anonymised at"), null=True, blank=True)

    class Meta:
        ordering = ["-month", "-created_at"]
        verbose_name = _("expense claim")
        verbose_name_plural = _("expense claims")
        constraints = [
            models.UniqueConstraint(
                fields=["claimant", "programme", "month"],
                name="expenses_one_claim_per_month",
            ),
            models.CheckConstraint(
                condition=models.Q(month__day=1), name="expenses_month_first_day"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.month:%Y-%m}"

    @property
    def month_label(self) -> str:
        """ "januari 2026"."""
        return date_text(self.month).split(" ", 1)[1]

    @property
    def total(self) -> Decimal:
        return sum((line.amount for line in self.lines.all()), Decimal("0.00"))


class ExpenseLine(TimeStampedModel):
    """One day's allowance, one real cost with its receipt, or one trip by kilometre."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    claim = ParentKey(ExpenseClaim, _("claim"), related_name="lines")
    date = models.DateField(_("date"))
    category = models.CharField(_("category"), max_length=16, choices=LineCategory.choices)
    amount = money(_("amount"))
    km = models.DecimalField(
        _("kilometres"),
        max_digits=7,
        decimal_places=1,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0"))],
    )
    description = models.CharField(_("what for"), max_length=140, blank=True)
    receipt = models.FileField(_("receipt"), upload_to="expense-receipts/%Y/", blank=True)
    receipt_type = models.CharField(_("receipt type"), max_length=40, blank=True)

    class Meta:
        ordering = ["date", "created_at"]
        verbose_name = _("expense line")
        verbose_name_plural = _("expense lines")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(amount__gt=0), name="expenses_line_amount_positive"
            ),
            models.CheckConstraint(
                condition=~models.Q(category="travel") | models.Q(km__gt=0),
                name="expenses_travel_has_km",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.date} {self.category}"


class ExpenseClaimTransition(TransitionLog):
    """One status change of an expense claim (the kernel's log, ARCHITECTURE.md 4)."""

    claim = ParentKey(ExpenseClaim, _("claim"), related_name="transitions")

    class Meta(TransitionLog.Meta):
        verbose_name = _("expense claim status change")
        verbose_name_plural = _("expense claim status changes")
