"""Issue 14, point 1: one source for well-being. The final score given when a duo closes is
an end measurement of every participant, and the report counts it. Hand-counted with the
services (no rows written by hand):

- duo A, one pupil: intake 2, closed with final score 5: change +3 (improved);
- duo B, a group of three: intakes 3 and 4 for two pupils, closed with final score 4:
  changes +1 (improved) and 0; the third pupil has only the end measurement;
- duo C, one pupil: no intake, closed with final score 3: only an end measurement.

All three held a meeting in the period. Participants with an intake and a later score: 3;
mean change (3 + 1 + 0) / 3 = 1.33; improved 2 of 3 = 66.7 %; duos with an intake and an end
measurement: A and B = 2.
"""

import datetime as dt

import pytest
from django.utils import timezone, translation

from buddywerk.reports.figures import Scope, build_report
from buddywerk.reports.periods import Period
from buddywerk.trajectories import services
from buddywerk.trajectories.enums import WellbeingMoment
from tests.factories import ProgrammeFactory
from tests.trajectories.factories import TrajectoryFactory, coordinator_of

pytestmark = pytest.mark.django_db


def _world():
    today = timezone.localdate()
    programme = ProgrammeFactory()
    a = TrajectoryFactory(programme=programme)
    b = TrajectoryFactory(programme=programme, group=True)
    c = TrajectoryFactory(programme=programme)
    intake_day = today - dt.timedelta(days=20)
    for duo in (a, b, c):
        services.meeting_log(
            actor=duo.buddy.user,
            trajectory=duo,
            date=today - dt.timedelta(days=10),
            duration_minutes=60,
        )
    (pa,) = a.participants.all()
    services.wellbeing_record(
        actor=a.buddy.user,
        trajectory=a,
        participant=pa,
        moment=WellbeingMoment.INTAKE,
        score=2,
        date=intake_day,
    )
    for participant, score in zip(b.participants.order_by("id")[:2], (3, 4), strict=True):
        services.wellbeing_record(
            actor=b.buddy.user,
            trajectory=b,
            participant=participant,
            moment=WellbeingMoment.INTAKE,
            score=score,
            date=intake_day,
        )
    for duo, final in ((a, 5), (b, 4), (c, 3)):
        services.trajectory_close(
            actor=coordinator_of(duo),
            trajectory=duo,
            reason="ended_as_planned",
            final_wellbeing=final,
        )
    return programme, Period(today - dt.timedelta(days=40), today)


def _cells(report, key):
    return {str(row.label): row.values[-1] for row in report.table(key).rows}


def test_the_final_score_at_closing_counts_in_the_wellbeing_table():
    programme, period = _world()
    with translation.override("en"):
        for scope in (Scope(), Scope(programme=programme)):
            report = build_report(scope, period)
            assert _cells(report, "wellbeing") == {
                "Participants with an intake and a later score": 3,
                "Mean change": 1.33,
                "Share improved (%)": 66.7,
                "Duos with an intake and an end measurement": 2,
            }
            per_programme = {
                str(r.label): r.values for r in report.table("wellbeing_programmes").rows
            }
            assert per_programme[programme.name] == [3, 1.33, 66.7]


def test_the_duo_page_charts_and_report_read_the_same_rows():
    """The chart of each participant holds the end measurement the report counted."""
    from buddywerk.trajectories.selectors import wellbeing_charts

    programme, _period = _world()
    duo = programme.trajectories.filter(participants__isnull=False).distinct()
    ends = []
    for trajectory in duo:
        for chart in wellbeing_charts(trajectory=trajectory):
            assert chart.end_score is not None
            assert chart.end_score in chart.scores
            ends.append(chart.end_score.score)
    assert sorted(ends) == [3, 4, 4, 4, 5]  # A, the group of three, C
