"""Expense objects for the access matrix world (tests/access/world.py): the figures of
this year and a submitted real-costs claim of the world's buddy with a receipt."""

from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from buddywerk.expenses import services

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


def objects(*, duo) -> dict:
    today = timezone.localdate()
    services.expense_year_set(
        actor=None,
        year=today.year,
        day_ceiling=Decimal("42.31"),
        year_ceiling=Decimal("1692.51"),
        km_rate=Decimal("0.4326"),
        km_ceiling_with_allowance=2000,
        source="test",
    )
    user = duo.buddy.user
    claim = services.expense_claim_open(
        actor=user,
        programme=duo.programme,
        month=today,
        kind="real",
        holder_name="Buddy",
        iban="BE68539007547034",
    )
    line = services.expense_line_add(
        actor=user,
        claim=claim,
        date=today,
        category="real_cost",
        amount=Decimal("7.80"),
        receipt=SimpleUploadedFile("bon.png", PNG),
    )
    services.expense_claim_submit(actor=user, claim=claim)
    return {"expense_claim": claim, "expense_line": line}
