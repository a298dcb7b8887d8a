"""Step: volunteer expenses (issue 21, point 4). The platform admin sets the Belgian
figures of 2025 and 2026 (page "Maxima onkosten"); Ilias's student buddy claims the fixed
volunteer allowance for the meeting days and the kilometres of last month (submitted,
waiting for the coordinator of Buddy Mechelen under "Onkostennota's") after the month
before was approved and paid.

The figures and their sources are also in docs/rules.md, "Volunteer expenses": only the
2025 amounts per day and per year are verified; every other figure says in its source that
it is not verified and was entered by the platform admin. The
kilometre rate of the federal civil servants changes on 1 July; Buddywerk keeps one rate
per calendar year (the one of 1 January), which the admin corrects on the page.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from buddywerk.expenses import services
from buddywerk.expenses.models import ExpenseClaim, ExpenseYear
from buddywerk.trajectories.enums import MeetingStatus, TrajectoryStatus
from buddywerk.trajectories.models import Trajectory

from .. import dates
from ..people import person

# What is verified and what is not (issue 21, point 4: "the values and their source in the
# demo"). Verified: the 2025 fixed allowance, € 42,31 per day and € 1.692,51 per year.
# Everything else here (the kilometre rate, the kilometres beside the allowance, any other
# year's amounts) could not be checked against a source in this work: the demo says so in
# the figure's source text, "niet nagekeken, ingevuld door de platformbeheerder", and the
# platform admin corrects it on the page "Maxima onkosten" (/expenses/years/).
NOT_VERIFIED = "niet nagekeken, ingevuld door de platformbeheerder"
KM_NOTE = (
    f"Kilometertarief € 0,4269/km en 2.000 km per jaar naast de forfaitaire vergoeding: "
    f"{NOT_VERIFIED}."
)
# (year, per day, per year, per km, km per year beside the fixed allowance, source)
FIGURES = [
    (
        2025,
        Decimal("42.31"),
        Decimal("1692.51"),
        Decimal("0.4269"),
        2000,
        "Forfaitaire vrijwilligersvergoeding 2025: € 42,31 per dag en € 1.692,51 per jaar "
        "(nagekeken). " + KM_NOTE,
    ),
    (
        2026,
        Decimal("42.31"),
        Decimal("1692.51"),
        Decimal("0.4269"),
        2000,
        f"Bedragen 2026: die van 2025 overgenomen, {NOT_VERIFIED}; de beheerder vult de "
        "geïndexeerde bedragen van 2026 in. " + KM_NOTE,
    ),
]


def _year(admin, year: int) -> None:  # type: ignore[no-untyped-def]
    """Set a year's figures once: from FIGURES, or (a demo built after 2026) the last
    known figures, marked as such."""
    if ExpenseYear.objects.filter(year=year).exists():
        return
    known = {row[0]: row for row in FIGURES}
    _y, day, per_year, rate, km, source = known.get(year) or (
        *FIGURES[-1][:5],
        f"Bedragen {year}: die van {FIGURES[-1][0]} overgenomen, {NOT_VERIFIED}. " + KM_NOTE,
    )
    services.expense_year_set(
        actor=admin,
        year=year,
        day_ceiling=day,
        year_ceiling=per_year,
        km_rate=rate,
        km_ceiling_with_allowance=km,
        source=source,
    )


def _claim(duo: Trajectory, month: dt.date, today: dt.date) -> ExpenseClaim | None:
    """The buddy's claim of `month`: the allowance for each meeting day and the trip."""
    days = list(
        duo.meetings.filter(
            status=MeetingStatus.HAPPENED,
            date__year=month.year,
            date__month=month.month,
            date__lte=today,
        )
        .order_by("date")
        .values_list("date", flat=True)
        .distinct()
    )
    if not days:
        return None
    buddy = duo.buddy.user
    claim = services.expense_claim_open(
        actor=buddy,
        programme=duo.programme,
        month=month,
        kind="allowance",
        holder_name=buddy.get_full_name(),
        iban="BE68539007547034",
        today=today,
    )
    for day in days:
        services.expense_line_add(
            actor=buddy,
            claim=claim,
            date=day,
            category="allowance_day",
            amount=Decimal("15.00"),
            description="Vaste vergoeding afspraak",
            today=today,
        )
        services.expense_line_add(
            actor=buddy,
            claim=claim,
            date=day,
            category="travel",
            km=Decimal("12.4"),
            description="Thuis - school en terug",
            today=today,
        )
    services.expense_claim_submit(actor=buddy, claim=claim)
    return claim


def expenses() -> None:
    """The buddy of Ilias (Buddy Mechelen) finds under "Mijn onkosten" a paid claim of two
    months ago and last month's claim waiting; coordinator.mechelen finds it under
    "Onkostennota's" to approve, and makes the SEPA payment file there."""
    admin = person("admin")
    today = dates.today()
    this_month = today.replace(day=1)
    last = (this_month - dt.timedelta(days=1)).replace(day=1)
    before = (last - dt.timedelta(days=1)).replace(day=1)
    for year in sorted({2025, 2026, before.year, last.year}):
        _year(admin, year)
    duo = (
        Trajectory.objects.filter(
            participants__pupil__first_name="Ilias",
            participants__pupil__school__school_number="900001",
            status=TrajectoryStatus.ACTIVE,
        )
        .select_related("buddy__user", "programme")
        .first()
    )
    if duo is None or ExpenseClaim.objects.filter(claimant=duo.buddy.user).exists():
        return
    coordinator = person("coordinator.mechelen")
    paid = _claim(duo, before, today)
    if paid is not None:
        services.expense_claim_approve(actor=coordinator, claim=paid)
        services.expense_claim_pay(
            actor=coordinator, claim=paid, reference=f"DEMO-{before:%Y%m}", now=dates.at(last)
        )
    _claim(duo, last, today)
