"""Money to named people in the funder's financial report cannot be differenced
(docs/reports.md, "Differencing", "Money"; funds/financial.py).

Two leaks closed: two requests (the final report and a 13-month period; the same period on
two days) gave one child's grant away as the difference of two exact sums; and inside one
report a region minus its one shown programme gave the grants of two hidden programmes
away. A shown study-grants or volunteer-expenses amount is now a band of MONEY_BAND, what is
computed from it an interval, and a region or total whose hidden programmes hold 1-4 people
is hidden. Read as the interval it stands for, no published figure, and no sum or
difference of two of them, pins the money of 1 to 4 people.
"""

import datetime as dt
import io
import itertools
import re
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import translation
from openpyxl import load_workbook

from buddywerk.access.models import Role
from buddywerk.funds import services
from buddywerk.funds.financial import (
    MONEY_BAND,
    SMALL_COUNT_CATEGORIES,
    STUDY_GRANTS,
    amount_text,
    financial_for_user,
)
from buddywerk.geo.models import Province
from buddywerk.organisations.models import OrganisationKind
from buddywerk.reports import periods
from buddywerk.reports.forms import ReportForm
from buddywerk.reports.periods import school_year_of
from tests import days
from tests.factories import OrganisationFactory, ProgrammeFactory, UserFactory, member
from tests.funds.world import _world
from tests.reports.test_differencing import month_ranges
from tests.trajectories.factories import TrajectoryFactory

pytestmark = pytest.mark.django_db
D = Decimal
INFINITY = D(10**9)


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


def _grants(w, amounts, on):
    for amount in amounts:
        grant = services.grant_request(
            trajectory=w.duo,
            pupil=w.pupil,
            purpose="tools",
            amount=amount,
            reason="For the course",
            actor=w.buddy,
            today=on,
        )
        services.grant_submit(grant=grant, actor=w.buddy)
        services.grant_approve(grant=grant, actor=w.coord_a)
        services.grant_approve(grant=grant, actor=w.coord_b)
        services.grant_payment_record(
            grant=grant, amount=amount, payee="parent", paid_on=on, reference="R", actor=w.coord_c
        )


def _programme(name, province, years):
    programme = ProgrammeFactory(name=name, province=Province.objects.get(code=province))
    w = _world(TrajectoryFactory(programme=programme), "1.00")
    for year in years:
        services.grant_fund_set(
            programme=programme, school_year=year, amount="1000.00", funder="V", actor=w.coord_a
        )
    return w


def _funder():
    return member(UserFactory(), OrganisationFactory(kind=OrganisationKind.FUNDER), Role.FUNDER)


def interval(shown: object) -> tuple[Decimal, Decimal]:
    """What a reader learns from a published amount: an exact number, "x" (anything) or a
    band or interval "€ 500 - € 1.000" (Belgian notation)."""
    if shown == "x":
        return -INFINITY, INFINITY
    if isinstance(shown, str):
        ends = re.findall(r"(-?)€ ([\d.]+(?:,\d\d)?)", shown)
        ends_ = [D(sign + n.replace(".", "").replace(",", ".")) for sign, n in ends]
        return ends_[0], ends_[-1]
    value = D(str(shown)).quantize(D("0.01"))
    return value, value


def _grant_lines(content):
    """{block label: (budget, spent, balance) of the study-grant line} from the XLSX."""
    sheet = load_workbook(io.BytesIO(content)).worksheets[-1]
    out = {}
    label = None
    for row in ([c.value for c in row] for row in sheet.iter_rows()):
        first = row[0]
        if isinstance(first, str) and ": " in first and (len(row) < 2 or row[1] is None):
            label = first.split(": ", 1)[1].replace("Totaal", "Total")
        elif (
            label and isinstance(first, str) and first.lower() in ("study grants", "studiebeurzen")
        ):
            out[label] = tuple(row[1:4])
    return out


def _assert_nothing_pinned(a: object, b: object) -> None:
    """Neither figure nor their difference pins an amount: the interval of the difference
    holds at least two values and is at least a band wide."""
    (a_low, a_high), (b_low, b_high) = interval(a), interval(b)
    difference = (a_low - b_high, a_high - b_low)
    assert difference[1] - difference[0] >= MONEY_BAND, (a, b, difference)


def test_two_whole_month_periods_publish_bands_not_one_childs_grant(client):
    """A programme paid 5 grants in a school year and one more (37.42) the next September.
    The final report and Sep-Sep (13 months) publish bands: their difference is an
    interval a band wide or more, not the one child's grant."""
    year = school_year_of(days.today()) - 1
    w = _programme("P1 Mechelen", "VAN", [year, year + 1])
    _grants(w, ["100.00"] * 5, dt.date(year, 10, 1))
    _grants(w, ["37.42"], dt.date(year + 1, 9, 10))
    client.force_login(_funder())
    url = reverse("reports:export", kwargs={"fmt": "xlsx"})
    area = f"programme:{w.duo.programme.pk}"
    first = client.get(url, {"area": area, "period": "final", "school_year": str(year)})
    second = client.get(
        url,
        {
            "area": area,
            "school_year": str(year),
            "period": "custom",
            "start": f"{year}-09-01",
            "end": f"{year + 1}-09-30",
        },
    )
    assert first.status_code == second.status_code == 200
    a, b = (_grant_lines(r.content)["P1 Mechelen"] for r in (first, second))
    # 500.00 and 537.42 both lie in the band of 500 to 1.000; the balances follow from it.
    assert a[1] == b[1] == "€ 500 - € 1.000"
    assert a[2] == "€ 0 - € 500" and b[2] == "€ 1.000 - € 1.500"
    _assert_nothing_pinned(b[1], a[1])
    # The budgets are not money to named people: exact.
    assert (a[0], b[0]) == (1000, 2000)


def test_the_same_period_on_two_days_publishes_the_same_band(client):
    """A grant recorded between two requests of the same period is not given away."""
    year = school_year_of(days.today()) - 1
    w = _programme("P1 Mechelen", "VAN", [year])
    _grants(w, ["120.00"] * 5, dt.date(year, 10, 1))
    client.force_login(_funder())
    url = reverse("reports:export", kwargs={"fmt": "xlsx"})
    query = {"area": f"programme:{w.duo.programme.pk}", "period": "final", "school_year": year}
    before = _grant_lines(client.get(url, query).content)["P1 Mechelen"]
    _grants(w, ["12.34"], dt.date(year, 11, 1))
    after = _grant_lines(client.get(url, query).content)["P1 Mechelen"]
    assert before[1] == after[1] == "€ 500 - € 1.000"
    _assert_nothing_pinned(after[1], before[1])


def test_a_region_with_two_small_hidden_programmes_is_hidden(client):
    """Antwerpen holds P1 (5 grants, shown), P2 and P4 (1 grant each, hidden): region minus
    P1 would be the money of the two children of P2 and P4, so the region is hidden (their
    2 unaccounted grants), and so is the total (it holds them too)."""
    year = school_year_of(days.today()) - 1
    p1 = _programme("P1 Mechelen", "VAN", [year])
    p2 = _programme("P2 Lier", "VAN", [year])
    p4 = _programme("P4 Boom", "VAN", [year])
    p3 = _programme("P3 Gent", "VOV", [year])
    on = dt.date(year, 10, 1)
    _grants(p1, ["100.00"] * 5, on)
    _grants(p2, ["45.50"], on)
    _grants(p4, ["61.25"], on)
    _grants(p3, ["50.00"] * 6, on)
    client.force_login(_funder())
    response = client.get(
        reverse("reports:export", kwargs={"fmt": "xlsx"}),
        {"area": "all", "period": "final", "school_year": str(year)},
    )
    lines = _grant_lines(response.content)
    assert lines["P2 Lier"][1:] == lines["P4 Boom"][1:] == ("x", "x")
    assert lines["P1 Mechelen"][1] == "€ 500 - € 1.000"
    assert lines["Antwerpen"] == (3000, "x", "x")
    assert lines["Oost-Vlaanderen"][1] == "€ 0 - € 500"
    assert lines["Total"] == (4000, "x", "x")


def _world_of_grants(year: int):
    """Antwerpen: P1 (5 grants in the year, one more the next September), P2 (1 grant),
    P4 (1 grant in the last month of the window); Oost-Vlaanderen: P3 (6 grants, one of them
    a month later)."""
    p1 = _programme("P1 Mechelen", "VAN", [year, year + 1])
    p2 = _programme("P2 Lier", "VAN", [year])
    p4 = _programme("P4 Boom", "VAN", [year + 1])
    p3 = _programme("P3 Gent", "VOV", [year])
    _grants(p1, ["100.00", "90.00", "80.00", "70.00", "60.00"], dt.date(year, 10, 1))
    _grants(p1, ["37.42"], dt.date(year + 1, 9, 10))
    _grants(p2, ["45.50"], dt.date(year, 11, 3))
    _grants(p4, ["61.25"], dt.date(year + 1, 10, 2))
    _grants(p3, ["50.00"] * 5, dt.date(year, 10, 1))
    _grants(p3, ["250.00"], dt.date(year, 12, 1))


def _financial_reports(user, window, school_years):
    """The financial report of every request the funder may make: every area the form
    offers, every whole-month period of the window and the presets."""
    form = ReportForm(user=user)
    areas = [value for value, _label in form.fields["area"].choices]
    for area in areas:
        asked = [
            {
                "area": area,
                "period": periods.CUSTOM,
                "school_year": str(school_years[0]),
                "start": p.start.isoformat(),
                "end": p.end.isoformat(),
            }
            for p in window
        ]
        for year in school_years:
            for preset in (periods.INTERIM, periods.FINAL):
                asked.append({"area": area, "period": preset, "school_year": str(year)})
        for data in asked:
            bound = ReportForm(data, user=user)
            assert bound.is_valid(), (data, bound.errors)
            assert bound.is_restricted()
            report = financial_for_user(
                user, scope=bound.get_scope(), period=bound.get_period(), suppressed=True
            )
            if report is not None:  # a municipality has no money
                yield report


def _published(report):
    """(measure, true amount, people, published interval) of every figure of money to
    named people: the spent and balance of those lines, and each block's total spent and
    balance (which hold them). People are the grants or buddies the money went to."""
    for block in [*report.programmes, *report.regions, report.total]:
        for line in block.lines:
            if line.key not in SMALL_COUNT_CATEGORIES:
                continue
            for name, true, shown in (
                ("spent", line.spent, line.shown_spent),
                ("balance", line.balance, line.shown_balance),
            ):
                text = "x" if shown is None else amount_text(shown)
                yield (line.key, name), true, line.people, interval(text)
        people = frozenset().union(
            *(line.people for line in block.lines if line.key in SMALL_COUNT_CATEGORIES)
        )
        for name, true, shown in (
            ("total spent", block.spent, block.shown_spent),
            ("total balance", block.balance, block.shown_balance),
        ):
            text = "x" if shown is None else amount_text(shown)
            yield ("block", name), true, people, interval(text)


def test_no_two_published_amounts_of_any_two_requests_pin_anyones_money():
    year = school_year_of(days.today()) - 1
    _world_of_grants(year)
    user = _funder()
    window = month_ranges(dt.date(year, 9, 1), 14)
    figures: dict[tuple, set] = {}
    n_reports = 0
    for report in _financial_reports(user, window, [year, year + 1]):
        n_reports += 1
        for measure, true, people, (low, high) in _published(report):
            assert low <= true <= high, (measure, true, low, high)
            if low == high:  # exact: only where nobody was paid
                assert not people, (measure, true)
            figures.setdefault(measure, set()).add((true, people, (low, high)))
        _assert_residuals(report)
    assert n_reports >= 105
    isolating = 0
    for measure, found in figures.items():
        for (a, a_people, (a_low, a_high)), (b, b_people, (b_low, b_high)) in itertools.product(
            found, repeat=2
        ):
            if a_people == b_people:
                continue
            difference = (a_low - b_high, a_high - b_low)
            total = (a_low + b_low, a_high + b_high)
            for low, high in (difference, total):
                # At least two values and a band wide: no one's money is pinned.
                assert high - low >= MONEY_BAND, (measure, a, b, low, high)
            if b_people < a_people and 1 <= len(a_people - b_people) <= 4:
                isolating += 1
    # The world does hold such differences (what exact amounts gave away).
    assert isolating > 0


def _assert_residuals(report):
    """Inside one report: a shown region or total minus the shown programmes below it
    leaves the money of no one or of at least 5 people."""
    by_region = {}
    for block in report.programmes:
        region = next(r for r in report.regions if _holds(report, r, block))
        by_region.setdefault(region.label, []).append(block)
    for key in SMALL_COUNT_CATEGORIES:
        hidden_people = {}
        for region in report.regions:
            left = frozenset().union(
                *(b.line(key).people for b in by_region[region.label] if b.line(key).hidden)
            )
            hidden_people[region.label] = left
            if not region.line(key).hidden:
                assert not 1 <= len(left) <= 4, (region.label, key, left)
        if not report.total.line(key).hidden:
            left = frozenset().union(
                *(hidden_people[r.label] for r in report.regions if r.line(key).hidden)
            )
            assert not 1 <= len(left) <= 4, (key, left)


def _holds(report, region, programme) -> bool:
    return programme.line(STUDY_GRANTS).people <= region.line(STUDY_GRANTS).people and (
        programme.label in {"P1 Mechelen", "P2 Lier", "P4 Boom"}
    ) == (region.label == "Antwerpen")
