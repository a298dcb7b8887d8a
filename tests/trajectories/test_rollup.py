"""The per-duo, per-month rollup of meetings (issue 22): the meeting services keep it in
their own transaction, and `buddywerk rollup-rebuild` recomputes it from the meetings."""

import datetime as dt
import io

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command

from buddywerk.trajectories import services
from buddywerk.trajectories.enums import MeetingStatus
from buddywerk.trajectories.models import DuoMonth, Meeting, ParticipantMonth
from tests.trajectories.factories import TrajectoryFactory

pytestmark = pytest.mark.django_db


def rollup() -> set[tuple]:
    return set(
        DuoMonth.objects.values_list("trajectory_id", "month", "held", "cancelled", "minutes")
    )


def later(duo, days: int) -> dt.date:
    return duo.planned_start + dt.timedelta(days=days)


def log(duo, days: int, status=MeetingStatus.HAPPENED, minutes=45):
    day = later(duo, days)
    return services.meeting_log(
        actor=duo.buddy.user,
        trajectory=duo,
        date=day,
        status=status,
        duration_minutes=minutes,
        cancel_reason="other" if status == MeetingStatus.CANCELLED else "",
        today=day,
        now=dt.datetime.combine(day, dt.time(12), tzinfo=dt.UTC),
    )


def update(meeting, *, days: int, status, minutes=None):
    duo = meeting.trajectory
    day = later(duo, days)
    return services.meeting_update(
        actor=duo.buddy.user,
        meeting=meeting,
        date=day,
        status=status,
        duration_minutes=minutes,
        cancel_reason="other" if status == MeetingStatus.CANCELLED else "",
        today=day,
        now=meeting.logged_at or dt.datetime.combine(day, dt.time(12), tzinfo=dt.UTC),
    )


def month(day: dt.date) -> dt.date:
    return day.replace(day=1)


def test_logging_a_meeting_adds_it_to_its_duo_and_month():
    duo = TrajectoryFactory()
    log(duo, 0, minutes=45)
    log(duo, 1, minutes=60)
    log(duo, 2, status=MeetingStatus.CANCELLED, minutes=None)
    first = month(later(duo, 0))
    held_this_month = sum(1 for n in (0, 1) if month(later(duo, n)) == first)
    assert DuoMonth.objects.get(trajectory=duo, month=first).held == held_this_month
    totals = {
        "held": sum(DuoMonth.objects.filter(trajectory=duo).values_list("held", flat=True)),
        "cancelled": sum(
            DuoMonth.objects.filter(trajectory=duo).values_list("cancelled", flat=True)
        ),
        "minutes": sum(DuoMonth.objects.filter(trajectory=duo).values_list("minutes", flat=True)),
    }
    assert totals == {"held": 2, "cancelled": 1, "minutes": 105}


def test_editing_a_meeting_moves_it_between_months_and_statuses():
    duo = TrajectoryFactory()
    meeting = log(duo, 0, minutes=50)
    # Moved to a date in the next month: the first month's row goes, the next one comes.
    next_month = (month(later(duo, 0)) + dt.timedelta(days=32)).replace(day=1)
    days = (next_month - duo.planned_start).days + 3
    meeting = update(meeting, days=days, status=MeetingStatus.HAPPENED, minutes=30)
    assert rollup() == {(duo.pk, next_month, 1, 0, 30)}
    # Held becomes cancelled: counted as cancelled, its minutes gone.
    update(meeting, days=days, status=MeetingStatus.CANCELLED)
    assert rollup() == {(duo.pk, next_month, 0, 1, 0)}


def test_a_planned_meeting_is_not_in_the_rollup_until_it_is_logged():
    duo = TrajectoryFactory()
    day = later(duo, 5)
    planned = services.meeting_plan(
        actor=duo.buddy.user, trajectory=duo, date=day, duration_minutes=40, today=duo.planned_start
    )
    assert rollup() == set()
    update(planned, days=5, status=MeetingStatus.HAPPENED, minutes=40)
    assert rollup() == {(duo.pk, month(day), 1, 0, 40)}


def test_a_refused_meeting_leaves_the_rollup_as_it_was():
    duo = TrajectoryFactory()
    log(duo, 0, minutes=45)
    before = rollup()
    with pytest.raises(ValidationError):
        services.meeting_log(
            actor=duo.buddy.user,
            trajectory=duo,
            date=later(duo, 10),
            duration_minutes=45,
            today=later(duo, 0),  # a meeting in the future
        )
    assert rollup() == before


def test_the_rebuild_changes_nothing_after_the_services():
    first, second = TrajectoryFactory(), TrajectoryFactory()
    meeting = log(first, 0, minutes=45)
    log(first, 40, status=MeetingStatus.CANCELLED, minutes=None)
    log(second, 3, minutes=90)
    update(meeting, days=35, status=MeetingStatus.HAPPENED, minutes=20)
    kept = rollup()
    assert len(kept) >= 2
    call_command("rollup_rebuild", stdout=io.StringIO())
    assert rollup() == kept


def test_the_rebuild_restores_meetings_written_outside_the_services():
    duo = TrajectoryFactory()
    log(duo, 0, minutes=45)
    kept = rollup()
    # History written directly (the generator, a fixture) is not in the rollup...
    Meeting.objects.create(
        trajectory=duo, date=later(duo, 0), status=MeetingStatus.HAPPENED, duration_minutes=15
    )
    DuoMonth.objects.all().delete()
    call_command("rollup_rebuild", stdout=io.StringIO())
    # ...until the rebuild counts it.
    (row,) = rollup()
    (old,) = kept
    assert row == (duo.pk, old[1], 2, 0, 60)


def participant_months() -> set[tuple]:
    return set(
        ParticipantMonth.objects.values_list(
            "participant_id", "trajectory_id", "programme_id", "pupil_id", "family_id", "month"
        )
    )


def test_each_participant_has_the_months_its_duo_held_a_meeting():
    duo = TrajectoryFactory(group=True)
    participants = list(duo.participants.values_list("pk", "pupil_id", "family_id"))
    assert participants
    meeting = log(duo, 0, minutes=45)
    log(duo, 40, status=MeetingStatus.CANCELLED, minutes=None)  # not held: no row
    first = month(later(duo, 0))
    assert participant_months() == {
        (pk, duo.pk, duo.programme_id, pupil, family, first) for pk, pupil, family in participants
    }
    assert set(DuoMonth.objects.values_list("programme_id", flat=True)) == {duo.programme_id}
    # The held meeting becomes cancelled: the participants' month goes.
    update(meeting, days=0, status=MeetingStatus.CANCELLED)
    assert participant_months() == set()


def test_the_rebuild_keeps_the_participant_months():
    first, second = TrajectoryFactory(), TrajectoryFactory(group=True)
    log(first, 0, minutes=45)
    log(first, 35, minutes=30)
    log(second, 3, minutes=90)
    kept = participant_months()
    assert len(kept) >= 3
    call_command("rollup_rebuild", stdout=io.StringIO())
    assert participant_months() == kept
