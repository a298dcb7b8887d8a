"""The Belgian volunteer-expense rules (issue 21, point 4; docs/rules.md "Volunteer
expenses"), checked by the services after every change of a buddy's claims, inside the
service's transaction: a change that breaks a rule is rolled back with the reason.

- A volunteer receives in one calendar year EITHER the fixed allowance OR real costs with
  proof, never both; travel by kilometre may be added to either (wet van 3 juli 2005
  betreffende de rechten van vrijwilligers, art. 10; the 2009 exception for transport).
- The fixed allowance has a ceiling per day and per year (indexed each year).
- Beside the fixed allowance, kilometres are paid up to a yearly number of km.
- The fixed allowance is paid for a meeting day: a day with a logged meeting of the
  buddy's duo in that programme.
The figures of each year are an `ExpenseYear`, set by a platform admin.

A claim "counts" while it is a draft, submitted, approved or paid: a refused claim is out.
The ceilings are about what the buddy receives, so they add up all the buddy's claims of
the year, in every programme of the platform.
"""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal

from django.core.exceptions import ValidationError
from django.db.models import Sum
from django.utils.translation import gettext as _

from buddywerk.common.dates import date_text

from .models import (
    CENT,
    ClaimKind,
    ClaimStatus,
    ExpenseClaim,
    ExpenseLine,
    ExpenseYear,
    LineCategory,
)

COUNTING = (ClaimStatus.DRAFT, ClaimStatus.SUBMITTED, ClaimStatus.APPROVED, ClaimStatus.PAID)


def euro(amount: Decimal) -> str:
    """ "€ 1.692,51": Dutch notation for the reasons shown to the buddy."""
    text = f"{amount.quantize(CENT):,.2f}"
    return "€ " + text.replace(",", " ").replace(".", ",").replace(" ", ".")


def year_rule(year: int) -> ExpenseYear:
    rule = ExpenseYear.objects.filter(year=year).first()
    if rule is None:
        raise ValidationError(
            _(
                "The amounts for %(year)s are not set yet, so no costs can be claimed for "
                "that year. Ask the platform's administrator."
            )
            % {"year": year},
            code="no_year",
        )
    return rule


def travel_amount(km: Decimal, rate: Decimal) -> Decimal:
    """Kilometres times the year's rate, rounded to the cent (half up, as banks do)."""
    return (km * rate).quantize(CENT, rounding=ROUND_HALF_UP)


def _lines(claimant_id: int, year: int):  # type: ignore[no-untyped-def]
    return ExpenseLine.objects.filter(
        claim__claimant_id=claimant_id, claim__month__year=year, claim__status__in=COUNTING
    )


def check_kind_for_year(claim: ExpenseClaim) -> None:
    """No fixed allowance and real costs for one volunteer in one calendar year."""
    other = (
        ExpenseClaim.objects.filter(
            claimant_id=claim.claimant_id, month__year=claim.month.year, status__in=COUNTING
        )
        .exclude(pk=claim.pk)
        .exclude(kind=claim.kind)
        .exists()
    )
    if other:
        message = (
            _(
                "In %(year)s you already claimed real costs. In one calendar year you cannot "
                "also receive the fixed volunteer allowance (kilometres are allowed)."
            )
            if claim.kind == ClaimKind.ALLOWANCE
            else _(
                "In %(year)s you already claimed the fixed volunteer allowance. In one "
                "calendar year you cannot also claim real costs (kilometres are allowed)."
            )
        )
        raise ValidationError(message % {"year": claim.month.year}, code="kind_mixed")


def check_ceilings(claim: ExpenseClaim, *, day: dt.date | None = None) -> None:
    """The day and year ceilings of the fixed allowance and the yearly kilometres beside
    it, over all the claimant's counting claims of the claim's year."""
    year = claim.month.year
    rule = year_rule(year)
    lines = _lines(claim.claimant_id, year)  # type: ignore[arg-type]
    allowance = lines.filter(category=LineCategory.ALLOWANCE_DAY)
    days = (
        [day]
        if day is not None
        else list(
            claim.lines.filter(category=LineCategory.ALLOWANCE_DAY).values_list("date", flat=True)
        )
    )
    for d in days:
        on_day = allowance.filter(date=d).aggregate(s=Sum("amount"))["s"] or Decimal(0)
        if on_day > rule.day_ceiling:
            raise ValidationError(
                _(
                    "The fixed allowance is at most %(ceiling)s per day in %(year)s; for "
                    "%(day)s you would receive %(amount)s."
                )
                % {
                    "ceiling": euro(rule.day_ceiling),
                    "year": year,
                    "day": date_text(d),
                    "amount": euro(on_day),
                },
                code="day_ceiling",
            )
    in_year = allowance.aggregate(s=Sum("amount"))["s"] or Decimal(0)
    if in_year > rule.year_ceiling:
        raise ValidationError(
            _(
                "The fixed allowance is at most %(ceiling)s per year in %(year)s; with this "
                "claim you would receive %(amount)s. Only %(left)s is left this year."
            )
            % {
                "ceiling": euro(rule.year_ceiling),
                "year": year,
                "amount": euro(in_year),
                "left": euro(
                    max(rule.year_ceiling - (in_year - _claim_allowance(claim)), Decimal(0))
                ),
            },
            code="year_ceiling",
        )
    if claim.kind == ClaimKind.ALLOWANCE:
        km = lines.filter(category=LineCategory.TRAVEL, claim__kind=ClaimKind.ALLOWANCE).aggregate(
            s=Sum("km")
        )["s"] or Decimal(0)
        if km > rule.km_ceiling_with_allowance:
            raise ValidationError(
                _(
                    "Beside the fixed allowance, at most %(ceiling)s km a year can be paid in "
                    "%(year)s; with this claim it would be %(km)s km."
                )
                % {"ceiling": rule.km_ceiling_with_allowance, "year": year, "km": km},
                code="km_ceiling",
            )


def _claim_allowance(claim: ExpenseClaim) -> Decimal:
    total = claim.lines.filter(category=LineCategory.ALLOWANCE_DAY).aggregate(s=Sum("amount"))
    return total["s"] or Decimal(0)


def check_line_fits_claim(claim: ExpenseClaim, line: ExpenseLine) -> None:
    """The line's date in the claim's month, and its category allowed by the claim's kind."""
    if (line.date.year, line.date.month) != (claim.month.year, claim.month.month):
        raise ValidationError(
            {
                "date": ValidationError(
                    _("Choose a day in the month of this claim."), code="other_month"
                )
            }
        )
    if line.category == LineCategory.ALLOWANCE_DAY and claim.kind != ClaimKind.ALLOWANCE:
        raise ValidationError(
            _("This claim is for real costs: a fixed allowance cannot be added."),
            code="wrong_kind",
        )
    if line.category == LineCategory.REAL_COST and claim.kind != ClaimKind.REAL:
        raise ValidationError(
            _("This claim is for the fixed allowance: real costs cannot be added."),
            code="wrong_kind",
        )
    if line.category == LineCategory.REAL_COST and not line.receipt:
        raise ValidationError(
            {"receipt": ValidationError(_("Add the receipt of this cost."), code="receipt")}
        )
