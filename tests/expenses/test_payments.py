"""The payment files of approved claims (issue 21, point 4): SEPA pain.001.001.03 valid
against the ISO 20022 schema, amounts exact to the cent, and a CSV a spreadsheet cannot
run; the financial report's totals (expenses_paid)."""

from __future__ import annotations

import csv
import datetime as dt
import io
from decimal import Decimal
from pathlib import Path

import pytest
from lxml import etree

import buddywerk.expenses
from buddywerk.expenses import payments, services
from buddywerk.expenses.iban import iban_is_valid
from buddywerk.expenses.selectors import ExpenseTotal, expenses_paid
from tests.expenses.helpers import claim, coordinator, duo, meet, year

pytestmark = pytest.mark.django_db

D = Decimal
XSD = Path(buddywerk.expenses.__file__).parent / "schemas" / "pain.001.001.03.xsd"
NS = {"p": payments.NS}


def _schema() -> etree.XMLSchema:
    return etree.XMLSchema(etree.parse(str(XSD)))


def _transfers() -> list[payments.Transfer]:
    return [
        payments.Transfer(
            end_to_end_id="a" * 32,
            name="Zoë Van den Bossche-Öztürk",
            iban="BE68539007547034",
            amount=D("42.31"),
            remittance="Onkosten vrijwilliger 01/2026 Buddy Mechelen",
        ),
        payments.Transfer(
            end_to_end_id="b" * 32,
            name="=HYPERLINK(evil)",
            iban="NL91ABNA0417164300",
            amount=D("0.01"),
            remittance="Onkosten vrijwilliger 01/2026 Buddy Mechelen",
        ),
    ]


@pytest.mark.parametrize("bic", ["", "GEBABEBB"])
def test_the_sepa_file_is_valid_against_the_pain_001_001_03_schema(bic):
    body = payments.payment_pain001(
        _transfers(),
        debtor=payments.Debtor(name="vzw Buddywerk Mechelen", iban="BE71096123456769", bic=bic),
        message_id="BW-20260203-1",
        execution_date=dt.date(2026, 2, 5),
        created_at=dt.datetime(2026, 2, 3, 10, 0, tzinfo=dt.UTC),
    )
    doc = etree.fromstring(body)
    schema = _schema()
    assert schema.validate(doc), schema.error_log
    assert doc.findtext(".//p:GrpHdr/p:CtrlSum", namespaces=NS) == "42.32"
    assert doc.findtext(".//p:GrpHdr/p:NbOfTxs", namespaces=NS) == "2"
    amounts = [el.text for el in doc.iterfind(".//p:InstdAmt", namespaces=NS)]
    assert amounts == ["42.31", "0.01"]
    names = [el.text for el in doc.iterfind(".//p:Cdtr/p:Nm", namespaces=NS)]
    assert names[0] == "Zoe Van den Bossche-Ozturk"  # SEPA's Latin character set


def test_a_broken_file_fails_the_schema():
    """The validation is real: a file without its debtor account is refused."""
    body = payments.payment_pain001(
        _transfers(),
        debtor=payments.Debtor(name="vzw", iban="BE71096123456769"),
        message_id="BW-1",
        execution_date=dt.date(2026, 2, 5),
        created_at=dt.datetime(2026, 2, 3, 10, 0, tzinfo=dt.UTC),
    )
    doc = etree.fromstring(body)
    account = doc.find(".//p:DbtrAcct", namespaces=NS)
    account.getparent().remove(account)
    assert not _schema().validate(doc)


def test_the_csv_has_decimal_commas_and_no_formulas():
    rows = list(
        csv.reader(
            io.StringIO(payments.payment_csv(_transfers()).decode("utf-8-sig")), delimiter=";"
        )
    )
    assert rows[0] == ["referentie", "naam", "iban", "bedrag", "mededeling"]
    assert rows[1][3] == "42,31"
    assert rows[2][1] == "'=HYPERLINK(evil)"


def test_iban_check_digits():
    assert iban_is_valid("BE68 5390 0754 7034")
    assert iban_is_valid("be71096123456769")
    assert not iban_is_valid("BE68539007547043")  # two digits swapped
    assert not iban_is_valid("BE6853900754703")  # one digit short
    assert not iban_is_valid("XX68539007547034")


def test_expenses_paid_gives_approved_and_paid_totals_per_programme_and_category():
    year(2026)
    trajectory = duo()
    other = duo()
    meet(trajectory, dt.date(2026, 1, 7), dt.date(2026, 2, 4))
    boss = coordinator(trajectory)
    jan = claim(trajectory, dt.date(2026, 1, 1))
    for kw in (
        {"category": "allowance_day", "amount": D("42.31")},
        {"category": "travel", "km": D("10")},  # 4.33 (4.326)
        {"category": "travel", "km": D("1")},  # 0.43
    ):
        services.expense_line_add(
            actor=jan.claimant, claim=jan, date=dt.date(2026, 1, 7), today=dt.date(2026, 3, 1), **kw
        )
    services.expense_claim_submit(actor=jan.claimant, claim=jan)
    services.expense_claim_approve(actor=boss, claim=jan)
    services.expense_claim_pay(actor=boss, claim=jan, reference="B1")
    feb = claim(trajectory, dt.date(2026, 2, 1))
    services.expense_line_add(
        actor=feb.claimant,
        claim=feb,
        date=dt.date(2026, 2, 4),
        category="allowance_day",
        amount=D("10.00"),
        today=dt.date(2026, 3, 1),
    )
    services.expense_claim_submit(actor=feb.claimant, claim=feb)
    services.expense_claim_approve(actor=boss, claim=feb)
    # A draft of another programme does not count.
    services.expense_line_add(
        actor=other.buddy.user,
        claim=claim(other, dt.date(2026, 1, 1), kind="real"),
        date=dt.date(2026, 1, 8),
        category="travel",
        km=D("5"),
        today=dt.date(2026, 3, 1),
    )
    ids = [trajectory.programme_id, other.programme_id]
    assert expenses_paid(ids, dt.date(2026, 1, 1), dt.date(2026, 12, 31)) == [
        ExpenseTotal(
            trajectory.programme_id, "allowance_day", approved=D("10.00"), paid=D("42.31")
        ),
        ExpenseTotal(trajectory.programme_id, "travel", approved=D("0.00"), paid=D("4.76")),
    ]
    # The period is by the day of the cost.
    assert expenses_paid(ids, dt.date(2026, 2, 1), dt.date(2026, 2, 28)) == [
        ExpenseTotal(trajectory.programme_id, "allowance_day", approved=D("10.00"), paid=D("0.00")),
    ]
