"""Volunteer expenses (issue 21, point 4): the Belgian rules at their boundaries, the state
machine, the audit, the receipts and the erasure."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from buddywerk.common.audit import AuditAction
from buddywerk.common.models import AuditEvent
from buddywerk.common.receipts import MAX_RECEIPT_BYTES
from buddywerk.expenses import services
from buddywerk.expenses.models import ClaimStatus, ExpenseClaim, ExpenseLine
from buddywerk.trajectories import meeting_services
from buddywerk.trajectories import services as duo_services
from buddywerk.trajectories.models import Meeting
from tests.expenses.helpers import claim, coordinator, duo, meet, year

pytestmark = pytest.mark.django_db

D = Decimal
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


@pytest.fixture
def world():
    year(2025)
    year(2026)
    trajectory = duo()
    return trajectory


def add(c, day, category="allowance_day", **kw):
    return services.expense_line_add(
        actor=c.claimant, claim=c, date=day, category=category, today=dt.date(2026, 12, 1), **kw
    )


def codes(err: ValidationError) -> set[str]:
    found = set()
    for e in err.error_list if hasattr(err, "error_list") else []:
        found.add(e.code)
    if hasattr(err, "error_dict"):
        for errors in err.error_dict.values():
            found |= {e.code for e in errors}
    return found


def test_day_ceiling_allows_the_last_cent_and_refuses_one_cent_more(world):
    meet(world, dt.date(2026, 1, 7), dt.date(2026, 1, 14))
    c = claim(world, dt.date(2026, 1, 1))
    add(c, dt.date(2026, 1, 7), amount=D("42.31"))
    with pytest.raises(ValidationError) as err:
        add(c, dt.date(2026, 1, 14), amount=D("42.32"))
    assert codes(err.value) == {"day_ceiling"}
    assert "€ 42,31 per dag" in " ".join(err.value.messages)
    # A second line on a day already at the ceiling is refused too (one cent).
    with pytest.raises(ValidationError):
        add(c, dt.date(2026, 1, 7), amount=D("0.01"))
    assert ExpenseLine.objects.filter(claim=c).count() == 1


def test_year_ceiling_allows_the_last_euro_and_refuses_one_cent_more(world):
    year(2026, per_year="100.00")
    days = [dt.date(2026, 3, d) for d in (2, 9, 16, 23)]
    meet(world, *days)
    c = claim(world, dt.date(2026, 3, 1))
    add(c, days[0], amount=D("42.31"))
    add(c, days[1], amount=D("42.31"))
    add(c, days[2], amount=D("15.38"))  # 100.00: the last euro of the year
    with pytest.raises(ValidationError) as err:
        add(c, days[3], amount=D("0.01"))
    assert codes(err.value) == {"year_ceiling"}
    assert "€ 100,00 per jaar" in " ".join(err.value.messages)
    assert c.total == D("100.00")


def test_the_year_ceiling_counts_every_claim_of_the_year_but_not_a_refused_one(world):
    year(2026, per_year="50.00")
    meet(world, dt.date(2026, 4, 6), dt.date(2026, 5, 4))
    april = claim(world, dt.date(2026, 4, 1))
    add(april, dt.date(2026, 4, 6), amount=D("40.00"))
    may = claim(world, dt.date(2026, 5, 1))
    with pytest.raises(ValidationError):
        add(may, dt.date(2026, 5, 4), amount=D("10.01"))
    services.expense_claim_submit(actor=april.claimant, claim=april)
    services.expense_claim_refuse(
        actor=coordinator(world), claim=april, reason="Geen afspraak gemaakt."
    )
    add(may, dt.date(2026, 5, 4), amount=D("42.31"))  # the refused April no longer counts


def test_no_allowance_and_real_costs_in_one_year_but_travel_with_either(world):
    meet(world, dt.date(2026, 2, 4))
    feb = claim(world, dt.date(2026, 2, 1), kind="allowance")
    add(feb, dt.date(2026, 2, 4), amount=D("20.00"))
    add(feb, dt.date(2026, 2, 4), category="travel", km=D("12.0"))
    with pytest.raises(ValidationError) as err:
        claim(world, dt.date(2026, 3, 1), kind="real")
    assert codes(err.value) == {"kind_mixed"}
    assert "vaste vrijwilligersvergoeding" in " ".join(err.value.messages)


def test_calendar_year_switch_december_allowance_then_january_real_costs(world):
    meet(world, dt.date(2025, 12, 10))
    dec = claim(world, dt.date(2025, 12, 1), kind="allowance")
    add(dec, dt.date(2025, 12, 10), amount=D("42.31"))
    services.expense_claim_submit(actor=dec.claimant, claim=dec)
    services.expense_claim_approve(actor=coordinator(world), claim=dec)
    jan = claim(world, dt.date(2026, 1, 1), kind="real")
    line = add(
        jan,
        dt.date(2026, 1, 9),
        category="real_cost",
        amount=D("7.80"),
        description="Treinticket",
        receipt=SimpleUploadedFile("ticket.png", PNG),
    )
    assert line.receipt_type == "image/png"
    # ... and the December allowance used the 2025 ceilings, January those of 2026.
    year(2025, day="40.00")
    dec.refresh_from_db()
    with pytest.raises(ValidationError):
        services.expense_claim_submit(actor=dec.claimant, claim=dec)  # approved: no way back


def test_kilometres_beside_the_allowance_up_to_the_yearly_limit(world):
    meet(world, dt.date(2026, 6, 3))
    c = claim(world, dt.date(2026, 6, 1), kind="allowance")
    add(c, dt.date(2026, 6, 3), category="travel", km=D("1999.9"))
    add(c, dt.date(2026, 6, 3), category="travel", km=D("0.1"))  # 2000 km: the limit
    with pytest.raises(ValidationError) as err:
        add(c, dt.date(2026, 6, 3), category="travel", km=D("0.1"))
    assert codes(err.value) == {"km_ceiling"}


def test_kilometres_with_real_costs_have_no_yearly_limit_and_are_paid_to_the_cent(world):
    c = claim(world, dt.date(2026, 6, 1), kind="real")
    add(c, dt.date(2026, 6, 3), category="travel", km=D("2500.0"))
    line = add(c, dt.date(2026, 6, 4), category="travel", km=D("13.5"))
    assert line.amount == D("5.84")  # 13.5 x 0.4326 = 5.8401


def test_the_allowance_is_for_a_meeting_day(world):
    c = claim(world, dt.date(2026, 1, 1))
    with pytest.raises(ValidationError) as err:
        add(c, dt.date(2026, 1, 20), amount=D("10.00"))
    assert codes(err.value) == {"no_meeting"}


def _unmeet(trajectory, day: dt.date, how: str) -> None:
    """The buddy takes back the meeting of `day` inside the correction window."""
    meeting = Meeting.objects.get(trajectory=trajectory, date=day)
    if how == "deleted":
        meeting_services.meeting_delete(actor=trajectory.buddy.user, meeting=meeting)
    else:
        duo_services.meeting_update(
            actor=trajectory.buddy.user,
            meeting=meeting,
            date=day,
            status="cancelled",
            cancel_reason="pupil_absent",
        )


@pytest.mark.parametrize("how", ["deleted", "cancelled"])
def test_an_allowance_day_whose_meeting_went_is_neither_sent_nor_approved(world, how):
    """rules.md: the allowance only for a day with a logged meeting. A meeting deleted or
    corrected to 'cancelled' after its day was claimed: sending and approving the claim are
    refused, naming the day, and the claim stays where it was."""
    meet(world, dt.date(2026, 1, 7), dt.date(2026, 1, 14))
    c = claim(world, dt.date(2026, 1, 1))
    add(c, dt.date(2026, 1, 7), amount=D("20.00"))
    add(c, dt.date(2026, 1, 14), amount=D("20.00"))
    _unmeet(world, dt.date(2026, 1, 7), how)
    with pytest.raises(ValidationError) as err:
        services.expense_claim_submit(actor=c.claimant, claim=c)
    assert codes(err.value) == {"no_meeting"}
    assert "7 januari 2026" in " ".join(err.value.messages)
    c.refresh_from_db()
    assert c.status == ClaimStatus.DRAFT
    assert not AuditEvent.objects.filter(action=AuditAction.EXPENSE_CLAIM_SUBMIT).exists()
    services.expense_line_delete(actor=c.claimant, line=c.lines.get(date=dt.date(2026, 1, 7)))
    services.expense_claim_submit(actor=c.claimant, claim=c)
    _unmeet(world, dt.date(2026, 1, 14), how)
    with pytest.raises(ValidationError) as err:
        services.expense_claim_approve(actor=coordinator(world), claim=c)
    assert "14 januari 2026" in " ".join(err.value.messages)
    c.refresh_from_db()
    assert (c.status, c.decided_by) == (ClaimStatus.SUBMITTED, None)


def test_a_real_cost_needs_a_receipt_checked_by_content_and_size(world):
    c = claim(world, dt.date(2026, 1, 1), kind="real")
    with pytest.raises(ValidationError) as err:
        add(c, dt.date(2026, 1, 5), category="real_cost", amount=D("5.00"))
    assert codes(err.value) == {"receipt"}
    with pytest.raises(ValidationError) as err:
        add(
            c,
            dt.date(2026, 1, 5),
            category="real_cost",
            amount=D("5.00"),
            receipt=SimpleUploadedFile("bon.pdf", b"<html>not a pdf</html>"),
        )
    assert codes(err.value) == {"wrong_type"}
    big = SimpleUploadedFile("bon.pdf", b"%PDF-1.4" + b"0" * MAX_RECEIPT_BYTES)
    with pytest.raises(ValidationError) as err:
        add(c, dt.date(2026, 1, 5), category="real_cost", amount=D("5.00"), receipt=big)
    assert codes(err.value) == {"too_large"}
    assert not ExpenseLine.objects.exists()


def test_an_invalid_iban_and_a_year_without_figures_are_refused(world):
    with pytest.raises(ValidationError) as err:
        services.expense_claim_open(
            actor=world.buddy.user,
            programme=world.programme,
            month=dt.date(2026, 1, 1),
            kind="allowance",
            holder_name="Lotte",
            iban="BE68 5390 0754 7035",
        )
    assert codes(err.value) == {"iban"}
    with pytest.raises(ValidationError) as err:
        claim(world, dt.date(2024, 12, 1))
    assert codes(err.value) == {"no_year"}


def test_the_state_machine_with_reasons_and_audit(world):
    meet(world, dt.date(2026, 1, 7))
    c = claim(world, dt.date(2026, 1, 1))
    boss = coordinator(world)
    with pytest.raises(ValidationError):
        services.expense_claim_submit(actor=c.claimant, claim=c)  # empty
    add(c, dt.date(2026, 1, 7), amount=D("42.31"))
    with pytest.raises(PermissionDenied):
        services.expense_claim_submit(actor=boss, claim=c)
    services.expense_claim_submit(actor=c.claimant, claim=c)
    with pytest.raises(PermissionDenied):
        services.expense_claim_approve(actor=c.claimant, claim=c)
    with pytest.raises(ValidationError):
        services.expense_claim_refuse(actor=boss, claim=c, reason="  ")
    services.expense_claim_approve(actor=boss, claim=c)
    services.expense_claim_pay(actor=boss, claim=c, reference="BATCH-2026-01")
    c.refresh_from_db()
    assert (c.status, c.decided_by, c.payment_reference) == (
        ClaimStatus.PAID,
        boss,
        "BATCH-2026-01",
    )
    assert [t.transition for t in c.transitions.order_by("at", "pk")] == [
        "",
        "submit",
        "approve",
        "pay",
    ]
    actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert {
        AuditAction.EXPENSE_YEAR_SET,
        AuditAction.EXPENSE_CLAIM_OPEN,
        AuditAction.EXPENSE_LINE_ADD,
        AuditAction.EXPENSE_CLAIM_SUBMIT,
        AuditAction.EXPENSE_CLAIM_APPROVE,
        AuditAction.EXPENSE_CLAIM_PAY,
    } <= actions
    with pytest.raises(ValidationError):
        add(c, dt.date(2026, 1, 7), category="travel", km=D("3"))  # paid: not a draft


def test_a_coordinator_who_is_also_the_claimant_cannot_decide(world):
    from buddywerk.access.models import Role
    from tests.factories import member

    meet(world, dt.date(2026, 1, 7))
    c = claim(world, dt.date(2026, 1, 1))
    add(c, dt.date(2026, 1, 7), amount=D("10.00"))
    services.expense_claim_submit(actor=c.claimant, claim=c)
    member(c.claimant, world.programme, Role.PROGRAMME_COORDINATOR)
    with pytest.raises(PermissionDenied):
        services.expense_claim_approve(actor=c.claimant, claim=c)


def test_the_ceilings_are_checked_again_on_approval(world):
    meet(world, dt.date(2026, 1, 7))
    c = claim(world, dt.date(2026, 1, 1))
    add(c, dt.date(2026, 1, 7), amount=D("42.31"))
    services.expense_claim_submit(actor=c.claimant, claim=c)
    year(2026, day="40.00")  # the admin corrects the year's figures
    with pytest.raises(ValidationError):
        services.expense_claim_approve(actor=coordinator(world), claim=c)
    c.refresh_from_db()
    assert c.status == ClaimStatus.SUBMITTED


def test_only_a_platform_admin_sets_the_figures_of_a_year(world):
    with pytest.raises(PermissionDenied):
        services.expense_year_set(
            actor=coordinator(world),
            year=2027,
            day_ceiling=D("50"),
            year_ceiling=D("2000"),
            km_rate=D("0.43"),
            km_ceiling_with_allowance=2000,
            source="x",
        )


def test_erasure_deletes_open_claims_and_anonymises_paid_ones(world):
    from buddywerk.common import clock
    from buddywerk.privacy.account_services import account_anonymise
    from buddywerk.privacy.schedule import DataKind

    meet(world, dt.date(2026, 1, 7))
    paid = claim(world, dt.date(2026, 1, 1))
    add(paid, dt.date(2026, 1, 7), amount=D("42.31"), description="Lotte's dag")
    services.expense_claim_submit(actor=paid.claimant, claim=paid)
    boss = coordinator(world)
    services.expense_claim_approve(actor=boss, claim=paid)
    services.expense_claim_pay(actor=boss, claim=paid, reference="B1")
    draft = claim(world, dt.date(2026, 2, 1))
    account_anonymise(user=world.buddy.user, kind=DataKind.INACTIVE_ACCOUNT, now=clock.now())
    assert not ExpenseClaim.objects.filter(pk=draft.pk).exists()
    paid.refresh_from_db()
    assert (paid.holder_name, paid.iban, paid.total) == ("", "", D("42.31"))
    assert paid.anonymised_at is not None
    assert list(paid.lines.values_list("description", flat=True)) == [""]


def test_a_line_refused_after_its_receipt_was_stored_leaves_no_file(world, settings):
    """The year's other claim (here written straight into the table, as a claim opened at
    the same moment would be) makes the real cost refused; its receipt is not kept."""
    from pathlib import Path

    jan = claim(world, dt.date(2026, 1, 1), kind="real")
    ExpenseClaim.objects.create(
        claimant=jan.claimant, programme=jan.programme, month=dt.date(2026, 2, 1), kind="allowance"
    )
    before = {p for p in Path(settings.MEDIA_ROOT).rglob("*") if p.is_file()}
    with pytest.raises(ValidationError) as err:
        add(
            jan,
            dt.date(2026, 1, 9),
            category="real_cost",
            amount=D("7.80"),
            description="Treinticket",
            receipt=SimpleUploadedFile("ticket.png", PNG),
        )
    assert codes(err.value) == {"kind_mixed"}
    assert not ExpenseLine.objects.filter(claim=jan).exists()
    assert {p for p in Path(settings.MEDIA_ROOT).rglob("*") if p.is_file()} == before
