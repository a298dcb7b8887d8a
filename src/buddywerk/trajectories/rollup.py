"""Upkeep of the per-duo, per-month rollup of meetings (`DuoMonth`, issue 22) and of the
per-participant months in which the duo held a meeting (`ParticipantMonth`).

The rollup is recomputed from the meetings rather than adjusted by deltas: a refresh of
one duo's months reads that duo's meetings of those months (a handful of rows, on the
(trajectory, date) index) and writes the result, so it cannot drift from the raw rows.
The caller takes the duo's row lock (`lock_duo`) before it writes a meeting and holds it
to the end of its transaction: two transactions writing meetings of the same duo then refresh one
after the other, and the second reads the first one's meetings (READ COMMITTED reads
what is committed when its statement starts), so no update is lost.
"""

import datetime as dt
from collections.abc import Iterable

from django.db import transaction
from django.db.models import Count, Q, Sum
from django.db.models.functions import TruncMonth

from buddywerk.reports import input_version

from .enums import MeetingStatus
from .models import DuoMonth, Meeting, Participant, ParticipantMonth, Trajectory

HELD = Q(status=MeetingStatus.HAPPENED)
CANCELLED = Q(status=MeetingStatus.CANCELLED)


def month_of(day: dt.date) -> dt.date:
    return day.replace(day=1)


def _next_month(month: dt.date) -> dt.date:
    return (month + dt.timedelta(days=32)).replace(day=1)


def _figures(meetings) -> dict[str, int]:  # type: ignore[no-untyped-def]
    totals = meetings.aggregate(
        held=Count("pk", filter=HELD),
        cancelled=Count("pk", filter=CANCELLED),
        minutes=Sum("duration_minutes", filter=HELD),
    )
    return {name: value or 0 for name, value in totals.items()}


def duo_months_refresh(*, trajectory_id: int, days: Iterable[dt.date]) -> None:
    """Recompute the rollup rows of one duo for the months of `days` (inside the
    caller's transaction, which must hold the duo's row lock), and its participants' rows
    for those months (present when the duo held a meeting in the month)."""
    months = sorted({month_of(day) for day in days})
    if not months:
        return
    programme_id, buddy_id, school_id = Trajectory.objects.values_list(
        "programme_id", "buddy_id", "school_id"
    ).get(pk=trajectory_id)
    # The funder's report stored for the programme is obsolete (issue 17, point 4).
    input_version.bump([programme_id])
    participants = list(
        Participant.objects.filter(trajectory_id=trajectory_id).values_list(
            "pk", "pupil_id", "family_id"
        )
    )
    for month in months:
        figures = _figures(
            Meeting.objects.filter(
                trajectory_id=trajectory_id, date__gte=month, date__lt=_next_month(month)
            )
        )
        if figures["held"] or figures["cancelled"]:
            DuoMonth.objects.update_or_create(
                trajectory_id=trajectory_id,
                month=month,
                defaults={
                    **figures,
                    "programme_id": programme_id,
                    "buddy_id": buddy_id,
                    "school_id": school_id,
                },
            )
        else:
            DuoMonth.objects.filter(trajectory_id=trajectory_id, month=month).delete()
        ParticipantMonth.objects.filter(trajectory_id=trajectory_id, month=month).delete()
        if figures["held"]:
            ParticipantMonth.objects.bulk_create(
                ParticipantMonth(
                    participant_id=pk,
                    trajectory_id=trajectory_id,
                    programme_id=programme_id,
                    pupil_id=pupil,
                    family_id=family,
                    month=month,
                )
                for pk, pupil, family in participants
            )


def lock_duo(trajectory_id: int) -> None:
    """Serialise the writers of one duo's meetings (see the module docstring)."""
    # NO KEY UPDATE: writers of the duo wait for each other, while an insert that only
    # references the duo (its KEY SHARE lock) does not wait, so no deadlock either.
    list(
        Trajectory.objects.select_for_update(no_key=True)
        .filter(pk=trajectory_id)
        .values_list("pk", flat=True)
    )


def rollup_from_meetings() -> list[DuoMonth]:
    """Every rollup row as the meetings give it: one grouped aggregate."""
    rows = (
        Meeting.objects.filter(HELD | CANCELLED)
        .annotate(month=TruncMonth("date"))
        .values(
            "trajectory_id",
            "trajectory__programme_id",
            "trajectory__buddy_id",
            "trajectory__school_id",
            "month",
        )
        .annotate(
            held=Count("pk", filter=HELD),
            cancelled=Count("pk", filter=CANCELLED),
            minutes=Sum("duration_minutes", filter=HELD),
        )
        .order_by()
    )
    return [
        DuoMonth(
            trajectory_id=row["trajectory_id"],
            programme_id=row["trajectory__programme_id"],
            buddy_id=row["trajectory__buddy_id"],
            school_id=row["trajectory__school_id"],
            month=row["month"],
            held=row["held"],
            cancelled=row["cancelled"],
            minutes=row["minutes"] or 0,
        )
        for row in rows.iterator(chunk_size=20_000)
    ]


def participant_months_from_duo_months() -> list[ParticipantMonth]:
    """Every participant's row as the duos' months give it: each participant of a duo, in
    each month the duo held a meeting."""
    return [
        ParticipantMonth(
            participant_id=pk,
            trajectory_id=duo,
            programme_id=programme,
            pupil_id=pupil,
            family_id=family,
            month=month,
        )
        for pk, duo, programme, pupil, family, month in Participant.objects.filter(
            trajectory__months__held__gt=0
        )
        .values_list(
            "pk",
            "trajectory_id",
            "trajectory__programme_id",
            "pupil_id",
            "family_id",
            "trajectory__months__month",
        )
        .iterator(chunk_size=20_000)
    ]


@transaction.atomic
def duo_months_rebuild() -> int:
    """Throw the rollups away and recompute them from the meetings (the rebuild command
    and the synthetic-data generator). Returns the number of duo months."""
    ParticipantMonth.objects.all().delete()
    DuoMonth.objects.all().delete()
    rows = rollup_from_meetings()
    DuoMonth.objects.bulk_create(rows, batch_size=5_000)
    ParticipantMonth.objects.bulk_create(participant_months_from_duo_months(), batch_size=5_000)
    input_version.bump_all()  # every stored funder's report (issue 17, point 4)
    return len(rows)
