"""Issue 20, point 1: the report's cooperation figures count the institution-programme
partnerships. Hand-counted on the report world (interim 2025: 1 Sep - 31 Dec 2025):

- UCLL with p1 (Antwerpen) since 2024-09-01, 5 students: in force.
- UCLL with p2 (Oost-Vlaanderen) since 2025-10-01, 3 students: in force.
- Odisee with p1 since 2024-01-01, ended 2025-06-30, 9 students: ended before the period.
- Odisee with p2 since 2026-02-01, 7 students: starts after the period.
Institutions in partnership: Antwerpen 1 (UCLL), Oost-Vlaanderen 1 (UCLL), total 1 (UCLL
once). Students announced: Antwerpen 5, Oost-Vlaanderen 3, total 8.
"""

import datetime as dt

import pytest
from django.utils import translation

from buddywerk.internships.models import InstitutionPartnership
from buddywerk.reports.figures import Scope, build_report
from tests.internships.helpers import institution
from tests.reports.world import PERIOD, build

pytestmark = pytest.mark.django_db


def cells(report, key, label):
    table = report.table(key)
    row = next(r for r in table.rows if str(r.label) == label)
    return {c: v for c, v in zip(table.columns, row.values, strict=True) if v not in (0, None)}


def test_cooperation_counts_the_partnerships_in_force_in_the_period():
    world = build()
    ucll, odisee = institution("UCLL (rapport)"), institution("Odisee (rapport)")
    for inst, programme, since, ended, students in [
        (ucll, world.p1, dt.date(2024, 9, 1), None, 5),
        (ucll, world.p2, dt.date(2025, 10, 1), None, 3),
        (odisee, world.p1, dt.date(2024, 1, 1), dt.date(2025, 6, 30), 9),
        (odisee, world.p2, dt.date(2026, 2, 1), None, 7),
    ]:
        InstitutionPartnership.objects.create(
            institution=inst,
            programme=programme,
            since=since,
            ended_on=ended,
            student_count=students,
        )
    with translation.override("en"):
        report = build_report(Scope(), PERIOD)
        assert cells(
            report, "cooperation", "Training institutions in partnership with a programme"
        ) == {
            "Antwerpen": 1,
            "Oost-Vlaanderen": 1,
            "Total": 1,
        }
        assert cells(report, "cooperation", "Students announced by partner institutions") == {
            "Antwerpen": 5,
            "Oost-Vlaanderen": 3,
            "Total": 8,
        }
        # One programme's report: only its own partnerships.
        report = build_report(Scope(programme=world.p2), PERIOD)
        assert cells(report, "cooperation", "Students announced by partner institutions") == {
            "Oost-Vlaanderen": 3,
            "Total": 3,
        }
