"""Study grants (issue 21, point 3 and the grant part of 6): the state machine, four-eyes,
the fund that is never overdrawn, payments, receipts, reminders and anonymisation. These
run on SQLite and on PostgreSQL."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from buddywerk.access import policy
from buddywerk.common.models import AuditEvent
from buddywerk.funds import services
from buddywerk.funds.models import Grant, GrantPayment, GrantStatus
from buddywerk.mail.models import OutgoingMail
from tests.factories import UserFactory, member
from tests.funds.world import JPEG, PDF, PNG, make_world, upload
from tests.trajectories.factories import TrajectoryFactory

pytestmark = pytest.mark.django_db


def actions(grant: Grant) -> list[str]:
    return list(
        AuditEvent.objects.filter(object_id=str(grant.uuid), object_type="funds.grant")
        .order_by("id")
        .values_list("action", flat=True)
    )


def test_the_whole_way_from_draft_to_closed_is_logged_and_audited():
    w = make_world()
    grant = w.request("120.50")
    assert grant.status == GrantStatus.DRAFT
    services.grant_submit(grant=grant, actor=w.buddy)
    services.grant_approve(grant=grant, actor=w.coord_a)
    assert grant.status == GrantStatus.SUBMITTED and grant.first_approved_by == w.coord_a
    services.grant_approve(grant=grant, actor=w.coord_b)
    assert grant.status == GrantStatus.APPROVED and grant.decided_by == w.coord_b
    today = timezone.localdate()
    services.grant_payment_record(
        grant=grant,
        amount="20.50",
        payee="supplier",
        payee_name="Brico",
        paid_on=today,
        reference="F-1",
        actor=w.coord_a,
    )
    assert grant.status == GrantStatus.APPROVED  # not yet in full
    services.grant_payment_record(
        grant=grant,
        amount="100",
        payee="parent",
        paid_on=today,
        reference="F-2",
        actor=w.coord_c,
    )
    assert grant.status == GrantStatus.PAID
    assert grant.receipt_due_on == today + dt.timedelta(days=w.fund.receipt_days)
    services.grant_receipt_add(grant=grant, file=upload(), actor=w.buddy)
    assert grant.status == GrantStatus.JUSTIFIED
    services.grant_close(grant=grant, actor=w.coord_b)
    assert grant.status == GrantStatus.CLOSED
    assert [t.transition for t in grant.transitions.all()] == [
        "",
        "submit",
        "approve_first",
        "approve",
        "pay",
        "justify",
        "close",
    ]
    assert actions(grant) == [
        "grant.create",
        "grant.submit",
        "grant.approve_first",
        "grant.approve",
        "grant.payment",
        "grant.payment",
        "grant.paid",
        "grant.receipt",
        "grant.justify",
        "grant.close",
    ]


def test_amounts_are_exact_decimals_and_floats_are_refused():
    w = make_world()
    grant = w.request("0.10")
    assert grant.amount == Decimal("0.10")
    with pytest.raises(TypeError):
        w.request(0.1)  # type: ignore[arg-type]
    for bad in ("12.345", "-5", "0", "abc", "NaN"):
        with pytest.raises(ValidationError):
            w.request(bad)
    assert Grant.objects.count() == 1


def test_the_requester_may_not_decide_even_as_a_coordinator():
    w = make_world()
    grant = w.request(actor=w.coord_a)
    services.grant_submit(grant=grant, actor=w.coord_a)
    with pytest.raises(PermissionDenied):
        services.grant_approve(grant=grant, actor=w.coord_a)
    with pytest.raises(PermissionDenied):
        services.grant_refuse(grant=grant, actor=w.coord_a, reason="no")
    grant.refresh_from_db()
    assert grant.status == GrantStatus.SUBMITTED and grant.first_approved_by is None


def test_the_two_deciders_differ():
    w = make_world()
    grant = w.submitted()
    services.grant_approve(grant=grant, actor=w.coord_a)
    with pytest.raises(ValidationError):
        services.grant_approve(grant=grant, actor=w.coord_a)
    grant.refresh_from_db()
    assert grant.status == GrantStatus.SUBMITTED
    services.grant_approve(grant=grant, actor=w.coord_b)
    assert grant.status == GrantStatus.APPROVED


def test_the_first_approver_cannot_refuse_what_they_approved():
    w = make_world()
    grant = w.submitted()
    services.grant_approve(grant=grant, actor=w.coord_a)
    with pytest.raises(ValidationError):
        services.grant_refuse(grant=grant, actor=w.coord_a, reason="changed my mind")
    services.grant_refuse(grant=grant, actor=w.coord_b, reason="Not within the plan")
    assert grant.status == GrantStatus.REFUSED


def test_a_refusal_needs_a_reason_and_spends_nothing():
    w = make_world("100.00")
    grant = w.submitted("100.00")
    with pytest.raises(ValidationError):
        services.grant_refuse(grant=grant, actor=w.coord_a, reason="  ")
    services.grant_refuse(grant=grant, actor=w.coord_a, reason="Another fund pays")
    assert services.fund_balance(w.fund) == Decimal("100.00")


def test_people_outside_the_programme_decide_nothing():
    w = make_world()
    grant = w.submitted()
    other = TrajectoryFactory()
    stranger = member(UserFactory(), other.programme, "programme_coordinator")
    for actor in (stranger, w.buddy, w.school):
        with pytest.raises(PermissionDenied):
            services.grant_approve(grant=grant, actor=actor)
        with pytest.raises(PermissionDenied):
            services.grant_payment_record(
                grant=grant,
                amount="1",
                payee="parent",
                paid_on=timezone.localdate(),
                reference="x",
                actor=actor,
            )
    with pytest.raises(PermissionDenied):
        services.grant_request(
            trajectory=w.duo,
            pupil=w.pupil,
            purpose="tools",
            amount="5",
            reason="r",
            actor=stranger,
        )


def test_the_fund_is_never_overdrawn_to_the_cent():
    w = make_world("300.00")
    w.approved("200.00")
    last = w.submitted("100.01")
    with pytest.raises(ValidationError) as err:
        services.grant_approve(grant=last, actor=w.coord_a)
    assert err.value.error_dict["amount"][0].code == "fund_overdrawn"
    exact = w.submitted("100.00")
    services.grant_approve(grant=exact, actor=w.coord_a)
    services.grant_approve(grant=exact, actor=w.coord_b)
    assert services.fund_balance(w.fund) == Decimal("0.00")


def test_second_approval_rechecks_the_fund():
    w = make_world("300.00")
    a, b = w.submitted("200.00"), w.submitted("200.00")
    services.grant_approve(grant=a, actor=w.coord_a)
    services.grant_approve(grant=b, actor=w.coord_a)  # both fit on their own
    services.grant_approve(grant=a, actor=w.coord_b)
    with pytest.raises(ValidationError):
        services.grant_approve(grant=b, actor=w.coord_b)
    b.refresh_from_db()
    assert b.status == GrantStatus.SUBMITTED
    assert services.fund_committed(w.fund) == Decimal("200.00")


def test_a_fund_cannot_shrink_below_what_it_holds():
    w = make_world("300.00")
    w.approved("250.00")
    with pytest.raises(ValidationError):
        services.grant_fund_set(
            programme=w.duo.programme,
            school_year=w.fund.school_year,
            amount="249.99",
            funder="Stad Mechelen",
            actor=w.coord_a,
        )
    services.grant_fund_set(
        programme=w.duo.programme,
        school_year=w.fund.school_year,
        amount="250.00",
        funder="Stad Mechelen",
        actor=w.coord_a,
    )


def test_payments_never_exceed_the_grant():
    w = make_world()
    grant = w.approved("50.00")
    today = timezone.localdate()
    services.grant_payment_record(
        grant=grant,
        amount="30.00",
        payee="parent",
        paid_on=today,
        reference="1",
        actor=w.coord_a,
    )
    with pytest.raises(ValidationError):
        services.grant_payment_record(
            grant=grant,
            amount="20.01",
            payee="parent",
            paid_on=today,
            reference="2",
            actor=w.coord_a,
        )
    with pytest.raises(ValidationError):
        services.grant_payment_record(
            grant=grant,
            amount="5",
            payee="supplier",
            payee_name="",
            paid_on=today,
            reference="3",
            actor=w.coord_a,
        )
    assert GrantPayment.objects.filter(grant=grant).count() == 1


def test_a_draft_or_submitted_grant_is_not_paid():
    w = make_world()
    grant = w.submitted()
    with pytest.raises(ValidationError):
        services.grant_payment_record(
            grant=grant,
            amount="1",
            payee="parent",
            paid_on=timezone.localdate(),
            reference="x",
            actor=w.coord_a,
        )


@pytest.mark.parametrize("content", [PDF, PNG, JPEG])
def test_receipts_are_checked_by_content(content):
    w = make_world()
    grant = w.paid()
    receipt = services.grant_receipt_add(grant=grant, file=upload(content, "x.txt"), actor=w.buddy)
    assert receipt.content_type in {"application/pdf", "image/png", "image/jpeg"}
    assert not receipt.file.name.endswith(".txt")


def test_a_receipt_of_another_type_or_too_large_is_refused():
    w = make_world()
    grant = w.paid()
    for bad in (upload(b"<html>hi</html>", "bon.pdf"), upload(b"", "bon.pdf")):
        with pytest.raises(ValidationError):
            services.grant_receipt_add(grant=grant, file=bad, actor=w.buddy)
    big = upload(PDF + b"0" * (10 * 1024 * 1024), "big.pdf")
    with pytest.raises(ValidationError):
        services.grant_receipt_add(grant=grant, file=big, actor=w.buddy)
    grant.refresh_from_db()
    assert grant.status == GrantStatus.PAID and not grant.receipts.exists()


def test_reminder_before_the_due_day_and_flag_after_it_once():
    w = make_world()
    paid_on = timezone.localdate()
    grant = w.paid(on=paid_on)
    due = grant.receipt_due_on
    assert services.grant_receipts_check(today=due - dt.timedelta(days=8)) == (0, 0)
    assert services.grant_receipts_check(today=due - dt.timedelta(days=7)) == (1, 0)
    assert services.grant_receipts_check(today=due - dt.timedelta(days=6)) == (0, 0)
    assert services.grant_receipts_check(today=due) == (0, 0)
    assert services.grant_receipts_check(today=due + dt.timedelta(days=1)) == (0, 1)
    assert services.grant_receipts_check(today=due + dt.timedelta(days=2)) == (0, 0)
    grant.refresh_from_db()
    assert grant.overdue_on == due + dt.timedelta(days=1)
    kinds = list(OutgoingMail.objects.values_list("kind", flat=True))
    assert kinds.count("funds.receipt_reminder") == 1
    assert kinds.count("funds.receipt_overdue") == 3  # the three coordinators


def test_a_justified_grant_is_not_flagged():
    w = make_world()
    grant = w.paid()
    services.grant_receipt_add(grant=grant, file=upload(), actor=w.buddy)
    assert services.grant_receipts_check(today=grant.receipt_due_on + dt.timedelta(days=1)) == (
        0,
        0,
    )


def test_who_sees_a_grant():
    w = make_world()
    grant = w.submitted()
    other = TrajectoryFactory()
    other_school = member(UserFactory(), other.school, "school_staff")
    other_coord = member(UserFactory(), other.programme, "programme_coordinator")
    funder = UserFactory()
    qs = Grant.objects.all()
    assert policy.grants_visible_to(w.buddy, qs).get() == grant
    assert policy.grants_visible_to(w.school, qs).get() == grant
    assert policy.grants_visible_to(w.coord_c, qs).get() == grant
    for outsider in (other_school, other_coord, other.buddy.user, funder):
        assert not policy.grants_visible_to(outsider, qs).exists()
        assert not policy.can_view_grant(outsider, grant)


def test_anonymise_keeps_the_money_and_drops_the_pupil():
    w = make_world()
    grant = w.paid("80.00")
    n = services.grants_anonymise(pupil_ids=[w.pupil.pk], duo_ids=[])
    assert n == 1
    grant.refresh_from_db()
    assert grant.pupil is None and grant.trajectory is None and grant.reason == ""
    assert grant.care_coordinator is None and grant.anonymised_at is not None
    assert grant.amount == Decimal("80.00")
    assert grant.payments.get().amount == Decimal("80.00")
    assert "grant.anonymise" in actions(grant)
