"""Money records (issue 21; the schedule's `DataKind.MONEY`): grants, the programme's costs
and paid expense claims are kept seven years after the end of their calendar year
(Belgian accounting law), then the daily purge deletes them with their receipt files. The
dry run counts them; erasing a pupil earlier keeps the grant's money and receipt in the
accounts; any deleted row with a receipt takes its file from storage after the commit."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from buddywerk.expenses import services as expenses
from buddywerk.expenses.models import ExpenseClaim, ExpenseLine
from buddywerk.funds import services as funds
from buddywerk.funds.models import Cost, Grant, GrantFund, GrantReceipt
from buddywerk.privacy import purge
from buddywerk.privacy.money import due_day, money_records_purge
from buddywerk.privacy.plan import purge_plan
from buddywerk.privacy.register import processing_register
from buddywerk.privacy.schedule import RULES, DataKind
from tests.expenses.helpers import claim as open_claim
from tests.expenses.helpers import coordinator, year
from tests.funds.world import PDF, PNG, make_world, upload

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _receipts_in_a_temporary_folder(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def _at(day):
    return dt.datetime.combine(day, dt.time(3), tzinfo=timezone.get_current_timezone())


def _cost(w, day: dt.date) -> Cost:
    return funds.cost_record(
        programme=w.duo.programme,
        category="other",
        description="Zaalhuur",
        amount="45.00",
        spent_on=day,
        receipt=upload(PDF, "zaal.pdf"),
        actor=w.coord_a,
    )


def _paid_claim(w, day: dt.date) -> ExpenseClaim:
    year(day.year)
    c = open_claim(w.duo, day.replace(day=1), kind="real")
    expenses.expense_line_add(
        actor=w.buddy,
        claim=c,
        date=day,
        category="real_cost",
        amount=Decimal("7.80"),
        receipt=SimpleUploadedFile("bon.png", PNG),
    )
    expenses.expense_claim_submit(actor=w.buddy, claim=c)
    decider = coordinator(w.duo)
    expenses.expense_claim_approve(actor=decider, claim=c)
    expenses.expense_claim_pay(actor=decider, claim=c, reference="BW-2020", now=_at(day))
    c.refresh_from_db()
    return c


def test_seven_years_after_the_end_of_the_year():
    assert RULES[DataKind.MONEY.value].period_days == 7 * 365
    assert due_day(dt.date(2025, 1, 1)) == dt.date(2033, 1, 1)
    assert due_day(dt.date(2025, 12, 31)) == dt.date(2033, 1, 1)
    money = [a for a in processing_register() if a.rule.kind == DataKind.MONEY]
    assert money and money[0].retention.startswith("7 jaar")


def test_costs_and_paid_claims_go_with_their_receipts_after_seven_years(
    django_capture_on_commit_callbacks, tmp_path
):
    w = make_world()
    old_cost, new_cost = _cost(w, dt.date(2020, 6, 1)), _cost(w, dt.date(2021, 2, 1))
    old_claim = _paid_claim(w, dt.date(2020, 3, 5))
    files = [old_cost.receipt.path, old_claim.lines.get().receipt.path]
    assert all(tmp_path.joinpath(f).exists() for f in files)

    # The dry run: the two records of 2020 fall due on 1 January 2028.
    eve = {r.rule.kind: r for r in purge_plan(now=_at(dt.date(2027, 12, 31)))}[DataKind.MONEY]
    assert eve.acted and eve.now == 0 and eve.soon == 2
    assert eve.next_day == dt.date(2028, 1, 1)
    assert money_records_purge(now=_at(dt.date(2027, 12, 31))) == 0

    day = {r.rule.kind: r for r in purge_plan(now=_at(dt.date(2028, 1, 1)))}[DataKind.MONEY]
    assert day.now == 2
    with django_capture_on_commit_callbacks(execute=True):
        counts = purge.privacy_purge(now=_at(dt.date(2028, 1, 1)))
    assert counts is not None and counts.money_records == 2
    assert list(Cost.objects.all()) == [new_cost]
    assert not ExpenseClaim.objects.filter(pk=old_claim.pk).exists()
    assert not ExpenseLine.objects.exists()
    assert not any(tmp_path.joinpath(f).exists() for f in files)
    assert tmp_path.joinpath(new_cost.receipt.path).exists()


def test_a_grant_goes_seven_years_after_its_last_payment_with_its_receipt(
    django_capture_on_commit_callbacks, tmp_path
):
    w = make_world()
    grant = w.paid("100.00", on=timezone.localdate())
    receipt = funds.grant_receipt_add(grant=grant, file=upload(PNG, "bon.png"), actor=w.buddy)
    path = receipt.file.path
    # Erasing the pupil keeps the money and the receipt in the accounts.
    funds.grants_anonymise(pupil_ids=[w.pupil.pk], duo_ids=[w.duo.pk])
    grant.refresh_from_db()
    assert grant.pupil is None and grant.reason == "" and grant.receipts.count() == 1
    assert tmp_path.joinpath(path).exists()

    due = due_day(timezone.localdate())
    with django_capture_on_commit_callbacks(execute=True):
        assert money_records_purge(now=_at(due - dt.timedelta(days=1))) == 0
    assert tmp_path.joinpath(path).exists()
    with django_capture_on_commit_callbacks(execute=True):
        assert money_records_purge(now=_at(due)) == 1
    assert not Grant.objects.exists() and not GrantReceipt.objects.exists()
    assert not tmp_path.joinpath(path).exists()
    assert GrantFund.objects.filter(pk=w.fund.pk).exists()  # the fund names no one


def test_a_deleted_receipt_row_takes_its_file_only_when_committed(
    django_capture_on_commit_callbacks, tmp_path
):
    w = make_world()
    cost = _cost(w, timezone.localdate())
    path = cost.receipt.path
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        cost.delete()
    assert tmp_path.joinpath(path).exists()  # not yet: the deletion could still roll back
    for callback in callbacks:
        callback()
    assert not tmp_path.joinpath(path).exists()
