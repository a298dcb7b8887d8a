"""The financial report (issue 21, point 5), read back to the cent from the funder's
report files (XLSX with openpyxl, PDF with pypdf) against hand-counted figures.

The fixture, school year 2025-2026 (the final report: 1 Sep 2025 - 31 Aug 2026):
  P1 (Antwerpen): fund 1000.00; budget staff 5000.00, other 800.00; costs staff
      1234.56 + 765.44, other 99.99 (and 500.00 after the period); received 7500.00;
      5 grants of 100.01 paid (and one paid after the period).
  P2 (Antwerpen): fund 300.00; budget other 50.00; cost other 10.10; received 1000.00;
      2 grants, 45.50 and 54.50.
  P3 (Oost-Vlaanderen): fund 1000.00; received 2000.00; 6 grants of 50.00.
"""

import datetime as dt
import io
from decimal import Decimal

import pytest
from django.urls import reverse
from openpyxl import load_workbook
from pypdf import PdfReader

from buddywerk.access.models import Role
from buddywerk.funds import services
from buddywerk.funds.financial import STUDY_GRANTS, financial_report
from buddywerk.geo.models import Province
from buddywerk.organisations.models import OrganisationKind, Programme
from buddywerk.reports.periods import final
from tests.factories import OrganisationFactory, ProgrammeFactory, UserFactory, member
from tests.funds.world import _world, upload
from tests.trajectories.factories import TrajectoryFactory

pytestmark = pytest.mark.django_db

D = Decimal
IN_YEAR = dt.date(2025, 10, 1)
AFTER = dt.date(2026, 9, 5)
QUERY = {"area": "all", "period": "final", "school_year": "2025"}


def _grants(w, amounts, on=IN_YEAR):
    for amount in amounts:
        grant = services.grant_request(
            trajectory=w.duo,
            pupil=w.pupil,
            purpose="tools",
            amount=amount,
            reason="For the course",
            actor=w.buddy,
            today=IN_YEAR,
        )
        services.grant_submit(grant=grant, actor=w.buddy)
        services.grant_approve(grant=grant, actor=w.coord_a)
        services.grant_approve(grant=grant, actor=w.coord_b)
        services.grant_payment_record(
            grant=grant,
            amount=amount,
            payee="parent",
            paid_on=on,
            reference="R",
            actor=w.coord_c,
        )


def _programme(name, province, fund):
    programme = ProgrammeFactory(name=name, province=Province.objects.get(code=province))
    w = _world(TrajectoryFactory(programme=programme), "1.00")
    services.grant_fund_set(
        programme=programme,
        school_year=2025,
        amount=fund,
        funder="Vlaanderen",
        actor=w.coord_a,
    )
    return w


def _cost(w, category, amount, on=IN_YEAR):
    services.cost_record(
        programme=w.duo.programme,
        category=category,
        description="Loon",
        amount=amount,
        spent_on=on,
        receipt=upload(),
        actor=w.coord_a,
    )


@pytest.fixture
def money():
    p1 = _programme("P1 Mechelen", "VAN", "1000.00")
    p2 = _programme("P2 Lier", "VAN", "300.00")
    p3 = _programme("P3 Gent", "VOV", "1000.00")
    for w, category, amount in (
        (p1, "staff", "5000.00"),
        (p1, "other", "800.00"),
        (p2, "other", "50.00"),
    ):
        services.budget_line_set(
            programme=w.duo.programme,
            school_year=2025,
            category=category,
            amount=amount,
            actor=w.coord_a,
        )
    _cost(p1, "staff", "1234.56")
    _cost(p1, "staff", "765.44")
    _cost(p1, "other", "99.99")
    _cost(p1, "other", "500.00", on=AFTER)
    _cost(p2, "other", "10.10")
    for w, amount in ((p1, "7500.00"), (p2, "1000.00"), (p3, "2000.00")):
        services.funding_record(
            programme=w.duo.programme,
            funder="Vlaamse overheid",
            purpose="Leerbuddy's",
            amount=amount,
            received_on=IN_YEAR,
            actor=w.coord_a,
        )
    _grants(p1, ["100.01"] * 5)
    _grants(p1, ["7.00"], on=AFTER)
    _grants(p2, ["45.50", "54.50"])
    _grants(p3, ["50.00"] * 6)
    return p1, p2, p3


# (budget, spent, balance) per category: staff, other, grants, total
EXPECTED = {
    "P1 Mechelen": [
        ("5000.00", "2000.00", "3000.00"),
        ("800.00", "99.99", "700.01"),
        ("1000.00", "500.05", "499.95"),
        ("0.00", "0.00", "0.00"),  # volunteer expenses: none here
        ("6800.00", "2600.04", "4199.96"),
    ],
    "P2 Lier": [
        ("0.00", "0.00", "0.00"),
        ("50.00", "10.10", "39.90"),
        ("300.00", "100.00", "200.00"),
        ("0.00", "0.00", "0.00"),  # volunteer expenses: none here
        ("350.00", "110.10", "239.90"),
    ],
    "P3 Gent": [
        ("0.00", "0.00", "0.00"),
        ("0.00", "0.00", "0.00"),
        ("1000.00", "300.00", "700.00"),
        ("0.00", "0.00", "0.00"),  # volunteer expenses: none here
        ("1000.00", "300.00", "700.00"),
    ],
    "Antwerpen": [
        ("5000.00", "2000.00", "3000.00"),
        ("850.00", "110.09", "739.91"),
        ("1300.00", "600.05", "699.95"),
        ("0.00", "0.00", "0.00"),  # volunteer expenses: none here
        ("7150.00", "2710.14", "4439.86"),
    ],
    "Oost-Vlaanderen": [
        ("0.00", "0.00", "0.00"),
        ("0.00", "0.00", "0.00"),
        ("1000.00", "300.00", "700.00"),
        ("0.00", "0.00", "0.00"),  # volunteer expenses: none here
        ("1000.00", "300.00", "700.00"),
    ],
    "Total": [
        ("5000.00", "2000.00", "3000.00"),
        ("850.00", "110.09", "739.91"),
        ("2300.00", "900.05", "1399.95"),
        ("0.00", "0.00", "0.00"),  # volunteer expenses: none here
        ("8150.00", "3010.14", "5139.86"),
    ],
}
RECEIVED = {
    "P1 Mechelen": "7500.00",
    "P2 Lier": "1000.00",
    "P3 Gent": "2000.00",
    "Antwerpen": "8500.00",
    "Oost-Vlaanderen": "2000.00",
    "Total": "10500.00",
}


def _as_money(value):
    if isinstance(value, str):
        return value
    return Decimal(str(value)).quantize(Decimal("0.01"))


def _sheet_blocks(content: bytes) -> dict[str, list[tuple]]:
    """label -> [(budget, spent, balance) x 5] and ("received", total), from the last
    sheet of the workbook."""
    sheet = load_workbook(io.BytesIO(content)).worksheets[-1]
    rows = [[c.value for c in row] for row in sheet.iter_rows()]
    blocks: dict[str, list[tuple]] = {}
    for i, row in enumerate(rows):
        first = row[0]
        if isinstance(first, str) and ": " in first and (len(row) < 2 or row[1] is None):
            label = first.split(": ", 1)[1]
            # The "received in total" row: an amount in B and nothing beside it.
            j = i + 1
            while not (isinstance(rows[j][1], int | float) and rows[j][2] is None):
                j += 1
            received = _as_money(rows[j][1])
            lines = [tuple(_as_money(v) for v in rows[k][1:4]) for k in range(j + 2, j + 7)]
            blocks[label] = [*lines, ("received", received)]
    return blocks


def _user(role):
    kind = {Role.FUNDER: OrganisationKind.FUNDER, Role.PLATFORM_ADMIN: OrganisationKind.UMBRELLA}
    return member(UserFactory(), OrganisationFactory(kind=kind[role]), role)


def _export(client, user, fmt):
    client.force_login(user)
    response = client.get(reverse("reports:export", kwargs={"fmt": fmt}), QUERY)
    assert response.status_code == 200
    return response.content


def test_the_report_adds_up_to_the_cent(money):
    report = financial_report(
        programmes=Programme.objects.filter(name__startswith="P"),
        period=final(2025),
        suppressed=False,
    )
    blocks = {b.label: b for b in [*report.programmes, *report.regions]}
    blocks["Total"] = report.total
    for label, expected in EXPECTED.items():
        block = blocks[label]
        got = [(line.budget, line.spent, line.balance) for line in block.lines]
        got.append((block.budget, block.spent, block.balance))
        assert got == [tuple(D(v) for v in row) for row in expected], label
        assert block.received_total == D(RECEIVED[label])


def test_the_admins_xlsx_reads_back_to_the_cent(client, money):
    blocks = _sheet_blocks(_export(client, _user(Role.PLATFORM_ADMIN), "xlsx"))
    total_label = next(k for k in blocks if k not in EXPECTED)  # "Totaal" in Dutch
    blocks["Total"] = blocks.pop(total_label)
    for label, expected in EXPECTED.items():
        assert blocks[label][:5] == [tuple(D(v) for v in row) for row in expected], label
        assert blocks[label][5] == ("received", D(RECEIVED[label])), label


def test_the_funders_xlsx_hides_small_grant_cells_and_what_reveals_them(client, money):
    blocks = _sheet_blocks(_export(client, _user(Role.FUNDER), "xlsx"))
    total_label = next(k for k in blocks if k not in EXPECTED)
    blocks["Total"] = blocks.pop(total_label)
    # P1 paid 5 grants (500.05): shown as its band of 500 (docs/reports.md, "Money"), the
    # balance and the total as the intervals the band implies; the budgets stay exact.
    assert blocks["P1 Mechelen"][2] == (D("1000.00"), "€ 500 - € 1.000", "€ 0 - € 500")
    assert blocks["P1 Mechelen"][4] == (
        D("6800.00"),
        "€ 2.599,99 - € 3.099,99",
        "€ 3.700,01 - € 4.200,01",
    )
    # Costs are no money to named people: exact. Nothing paid to volunteers: exact 0.
    assert blocks["P1 Mechelen"][0] == (D("5000.00"), D("2000.00"), D("3000.00"))
    assert blocks["P1 Mechelen"][3] == (D("0.00"), D("0.00"), D("0.00"))
    # P2 paid 2: hidden, with its balance and its total spent.
    assert blocks["P2 Lier"][2] == (D("300.00"), "x", "x")
    assert blocks["P2 Lier"][4] == (D("350.00"), "x", "x")
    assert blocks["P2 Lier"][1] == (D("50.00"), D("10.10"), D("39.90"))
    # Antwerpen holds a hidden programme of 2 grants: Antwerpen - P1 would give them away.
    assert blocks["Antwerpen"][2] == (D("1300.00"), "x", "x")
    assert blocks["Oost-Vlaanderen"][2] == (D("1000.00"), "€ 0 - € 500", "€ 500 - € 1.000")
    # The total holds those 2 grants too (total minus Oost-Vlaanderen minus P1).
    assert blocks["Total"][2] == (D("2300.00"), "x", "x")
    assert blocks["Total"][5] == ("received", D("10500.00"))


def test_the_pdf_reads_back_to_the_cent(client, money):
    admin = PdfReader(io.BytesIO(_export(client, _user(Role.PLATFORM_ADMIN), "pdf")))
    text = "\n".join(page.extract_text() for page in admin.pages)
    for amount in (
        "€ 2.600,04",
        "€ 4.199,96",
        "€ 110,10",
        "€ 3.010,14",
        "€ 5.139,86",
        "€ 10.500,00",
        "€ 100,00",
        "€ 900,05",
    ):
        assert amount in text, amount
    funder = PdfReader(io.BytesIO(_export(client, _user(Role.FUNDER), "pdf")))
    text = "\n".join(page.extract_text() for page in funder.pages)
    # The same as the XLSX: bands and the intervals they imply, hidden as "x".
    assert "€ 500 - € 1.000" in text and "€ 2.599,99 - € 3.099,99" in text
    assert "€ 10.500,00" in text  # received: exact
    for hidden in (
        "€ 500,05",
        "€ 2.600,04",
        "€ 100,00",
        "€ 110,10",
        "€ 900,05",
        "€ 600,05",
        "€ 3.010,14",
    ):
        assert hidden not in text, hidden


def test_a_programme_coordinator_reads_only_their_programme(client, money):
    p1, _p2, _p3 = money
    client.force_login(p1.coord_a)
    query = {**QUERY, "area": f"programme:{p1.duo.programme.pk}"}
    response = client.get(reverse("reports:export", kwargs={"fmt": "xlsx"}), query)
    blocks = _sheet_blocks(response.content)
    assert "P1 Mechelen" in blocks and "P2 Lier" not in blocks and "P3 Gent" not in blocks
    # A coordinator sees their own programme in full (report_is_suppressed says no).
    assert blocks["P1 Mechelen"][2] == (D("1000.00"), D("500.05"), D("499.95"))


def test_study_grants_key_is_in_the_categories():
    from buddywerk.funds.financial import CATEGORIES

    assert STUDY_GRANTS in dict(CATEGORIES)
