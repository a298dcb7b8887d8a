"""Every figure of the report against the hand-counted world in world.py (interim 2025).
Columns: Antwerpen, Brussel, Limburg, Oost-Vlaanderen, Vlaams-Brabant, West-Vlaanderen, total
(sorted by name)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from buddywerk.geo.models import Province
from buddywerk.reports.figures import Scope, build_report
from buddywerk.reports.periods import Period, final, interim
from buddywerk.trajectories.enums import CloseReason
from tests.reports.world import PERIOD, build, d

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


@pytest.fixture
def world():
    return build()


def cells(report, key, label):
    """{province name or 'Total': value} of one row, without the zero provinces."""
    table = report.table(key)
    row = next(r for r in table.rows if str(r.label) == label)
    return {c: v for c, v in zip(table.columns, row.values, strict=True) if v not in (0, None)}


def test_columns_are_the_served_provinces_and_a_total(world):
    report = build_report(Scope(), PERIOD)
    assert report.table("buddies").columns[-1] == "Total"
    assert len(report.table("buddies").columns) == 7  # 5 provinces, Brussels, total


def test_available_buddies_by_kind(world):
    report = build_report(Scope(), PERIOD)
    # b1 (internship), b2 (approved mid-period), b5 (two programmes: once in the total)
    assert cells(report, "buddies", "Student on internship") == {"Antwerpen": 1, "Total": 1}
    assert cells(report, "buddies", "Student (volunteer)") == {"Antwerpen": 1, "Total": 1}
    assert cells(report, "buddies", "Role model") == {
        "Antwerpen": 1,
        "Oost-Vlaanderen": 1,
        "Total": 1,
    }
    assert cells(report, "buddies", "Retired teacher") == {}  # approved after the period
    assert cells(report, "buddies", "Teaching qualification") == {}  # no extract seen
    assert cells(report, "buddies", "Sector mentor") == {}  # available until 31 August
    assert cells(report, "buddies", "All kinds") == {
        "Antwerpen": 3,
        "Oost-Vlaanderen": 1,
        "Total": 3,
    }


def test_buddy_approved_after_mid_period_is_not_available_in_an_earlier_period(world):
    report = build_report(Scope(), Period(d("2025-09-01"), d("2025-10-14")))
    assert cells(report, "buddies", "Student (volunteer)") == {}


def test_participants_supported(world):
    report = build_report(Scope(), PERIOD)
    # p1, p2 (t1), p3 (t2); p4 had only a cancelled meeting; the family of t3 met on 15/9.
    assert cells(report, "participants", "Pupils") == {"Antwerpen": 3, "Total": 3}
    assert cells(report, "participants", "Families") == {"Oost-Vlaanderen": 1, "Total": 1}
    assert cells(report, "school_years", "3rd year primary") == {"Antwerpen": 2, "Total": 2}
    assert cells(report, "school_years", "1st year secondary") == {"Antwerpen": 1, "Total": 1}
    assert cells(report, "school_years", "All school years") == {"Antwerpen": 3, "Total": 3}


def test_meetings(world):
    report = build_report(Scope(), PERIOD)
    # t1: 29/9, 6/10 and 31/12 (the last day) held, 13/10 cancelled, 11/10 only planned,
    # 5/1 after the period; t2: 3/11; t3: 15/9 (10/6 before); t4: 1/10 cancelled.
    assert cells(report, "meetings", "Held") == {"Antwerpen": 4, "Oost-Vlaanderen": 1, "Total": 5}
    assert cells(report, "meetings", "Cancelled") == {
        "Antwerpen": 1,
        "Oost-Vlaanderen": 1,
        "Total": 2,
    }
    assert cells(report, "meetings", "Hours") == {
        "Antwerpen": 4.0,
        "Oost-Vlaanderen": 1.0,
        "Total": 5.0,
    }
    assert cells(report, "meetings", "Meetings per duo") == {
        "Antwerpen": 2.0,
        "Oost-Vlaanderen": 1.0,
        "Total": 1.7,
    }


def test_cooperation(world):
    report = build_report(Scope(), PERIOD)
    assert cells(report, "cooperation", "Training institutions with active student buddies") == {
        "Antwerpen": 1,
        "Total": 1,
    }
    # S1 (r1, r3) and S2 (r4, r6); the family referral comes from a service.
    assert cells(report, "cooperation", "Schools that referred") == {
        "Antwerpen": 1,
        "Oost-Vlaanderen": 1,
        "Total": 2,
    }
    # t1 and t2 with S1; t3 is with a service; t4 held no meeting.
    assert cells(report, "cooperation", "Schools with active duos") == {"Antwerpen": 1, "Total": 1}


def test_referrals(world):
    report = build_report(Scope(), PERIOD)
    assert cells(report, "referrals", "Received") == {
        "Antwerpen": 2,
        "Oost-Vlaanderen": 3,
        "Total": 5,
    }
    # r2 was submitted before the period and matched in it; r5 matched on the last day.
    assert cells(report, "referrals", "Matched") == {
        "Antwerpen": 3,
        "Oost-Vlaanderen": 1,
        "Total": 4,
    }
    # r8 on the waiting list since May; r4 submitted; r7 comes after the period.
    assert cells(report, "referrals", "Waiting") == {
        "Antwerpen": 1,
        "Oost-Vlaanderen": 1,
        "Total": 2,
    }
    assert cells(report, "referrals", "Declined") == {"Oost-Vlaanderen": 1, "Total": 1}
    # 10, 20, 30 days in Antwerpen; 117 in Oost-Vlaanderen; median of all four: 25.
    assert cells(report, "referrals", "Median days from submission to match") == {
        "Antwerpen": 20.0,
        "Oost-Vlaanderen": 117.0,
        "Total": 25.0,
    }


def test_wellbeing(world):
    report = build_report(Scope(), PERIOD)
    label = "Participants with an intake and a later score"
    assert cells(report, "wellbeing", label) == {"Antwerpen": 2, "Oost-Vlaanderen": 1, "Total": 3}
    assert cells(report, "wellbeing", "Mean change") == {
        "Antwerpen": 1.0,
        "Oost-Vlaanderen": 1.0,
        "Total": 1.0,
    }
    assert cells(report, "wellbeing", "Share improved (%)") == {
        "Antwerpen": 50.0,
        "Oost-Vlaanderen": 100.0,
        "Total": 66.7,
    }
    # t1 (a group in Mechelen): r1 has an intake (29/9) and an end measurement (20/12); r2's
    # end measurement is dated after the period. t3 has no end measurement.
    assert cells(report, "wellbeing", "Duos with an intake and an end measurement") == {
        "Antwerpen": 1,
        "Total": 1,
    }
    per_programme = {str(r.label): r.values for r in report.table("wellbeing_programmes").rows}
    assert per_programme == {
        "Buddy Gent (rapport)": [1, 1.0, 100.0],
        "Buddy Mechelen (rapport)": [2, 1.0, 50.0],
        "All programmes": [3, 1.0, 66.7],
    }


def test_closed_by_reason(world):
    report = build_report(Scope(), PERIOD)
    assert cells(report, "closed", "Goals reached") == {"Antwerpen": 1, "Total": 1}
    # t3 closed on the last day; t4 closed after the period.
    assert cells(report, "closed", "Stopped early by the participant") == {
        "Oost-Vlaanderen": 1,
        "Total": 1,
    }
    assert cells(report, "closed", "Moved") == {}
    assert cells(report, "closed", "All reasons") == {
        "Antwerpen": 1,
        "Oost-Vlaanderen": 1,
        "Total": 2,
    }


def test_closed_table_has_a_row_for_every_closing_reason(world):
    """Also the reasons added with the closure form (moved, did not start): a reason
    without a row would be counted in the total only."""
    rows = [str(r.label) for r in build_report(Scope(), PERIOD).table("closed").rows]
    assert rows == [str(label) for _code, label in CloseReason.choices] + ["All reasons"]


def test_a_trajectory_spanning_two_periods_counts_in_each(world):
    """t3 held a meeting in June (school year 2024-2025) and in September (2025-2026)."""
    before = build_report(Scope(), final(2024))
    assert cells(before, "participants", "Families") == {"Oost-Vlaanderen": 1, "Total": 1}
    assert cells(before, "meetings", "Held") == {"Oost-Vlaanderen": 1, "Total": 1}
    assert cells(before, "closed", "All reasons") == {}
    after = build_report(Scope(), interim(2025))
    assert cells(after, "participants", "Families") == {"Oost-Vlaanderen": 1, "Total": 1}


def test_scope_province_and_programme(world):
    province = build_report(Scope(province=Province.objects.get(code="VOV")), PERIOD)
    assert province.table("meetings").columns == ["Oost-Vlaanderen", "Total"]
    assert cells(province, "referrals", "Received") == {"Oost-Vlaanderen": 3, "Total": 3}
    programme = build_report(Scope(programme=world.p1), PERIOD)
    assert cells(programme, "meetings", "Held") == {"Antwerpen": 4, "Total": 4}
    # b5 belongs to both programmes: in p1's report once.
    assert cells(programme, "buddies", "All kinds") == {"Antwerpen": 3, "Total": 3}


def test_query_count_does_not_grow_with_the_data(world):
    with CaptureQueriesContext(connection) as small:
        build_report(Scope(), PERIOD)
    build()  # a second world: twice the data
    with CaptureQueriesContext(connection) as large:
        build_report(Scope(), PERIOD)
    assert len(small) == len(large)
    # 24 on the live rows, 12 on the archive's (issue 15 point 3; 1 while it is empty).
    assert len(large) <= 36
