"""Builders for the expense tests: the figures of a year, a duo with meetings, a claim."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from buddywerk.expenses import services
from buddywerk.expenses.models import ExpenseClaim
from buddywerk.trajectories import services as duo_services
from tests.trajectories.factories import TrajectoryFactory, coordinator_of

IBAN = "BE68539007547034"  # a valid Belgian IBAN (the ECBS example)


def year(y: int, *, day: str = "42.31", per_year: str = "1692.51", rate: str = "0.4326",
         km: int = 2000):  # fmt: skip
    return services.expense_year_set(
        actor=None,
        year=y,
        day_ceiling=Decimal(day),
        year_ceiling=Decimal(per_year),
        km_rate=Decimal(rate),
        km_ceiling_with_allowance=km,
        source="test",
    )


def duo(start: dt.date = dt.date(2025, 11, 3)):
    trajectory = TrajectoryFactory(planned_start=start)
    return trajectory


def meet(trajectory, *days: dt.date) -> None:
    for day in days:
        duo_services.meeting_log(
            actor=trajectory.buddy.user, trajectory=trajectory, date=day, duration_minutes=60
        )


def claim(trajectory, month: dt.date, kind: str = "allowance") -> ExpenseClaim:
    return services.expense_claim_open(
        actor=trajectory.buddy.user,
        programme=trajectory.programme,
        month=month,
        kind=kind,
        holder_name="Lotte Peeters",
        iban=IBAN,
    )


def coordinator(trajectory):
    return coordinator_of(trajectory)
