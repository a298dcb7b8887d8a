"""Step: duos that ran in the past and were closed, one for every reason of closing."""

import datetime as dt
from dataclasses import dataclass

from buddywerk.trajectories.enums import CloseReason
from buddywerk.trajectories.services import (
    agreement_confirm,
    meeting_log,
    trajectory_close,
    trajectory_evaluate,
)

from .. import dates
from ..people import person
from .duos import TOPICS, DemoDuo, at, participants_of, start_duo


@dataclass(frozen=True)
class ClosedDemoDuo:
    spec: DemoDuo
    reason: str
    meetings: int  # weeks with a meeting before the end
    final_wellbeing: int | None
    buddy_evaluation: str = ""
    school_evaluation: str = ""
    goodbye: bool = True
    rematch_reason: str = ""


def _duo(buddy: str, staff: str, pupil: tuple[str, str, int], school: str, weeks: int) -> DemoDuo:
    return DemoDuo(buddy, staff, [pupil], school, weeks_ago=weeks)


CLOSED_DUOS = [
    ClosedDemoDuo(
        _duo("buddy.stagiair", "zorg.ursulinen", ("Lotte", "Peeters", 5), "900001", 40),
        CloseReason.GOALS_REACHED,
        meetings=12,
        final_wellbeing=5,
        buddy_evaluation="Lotte leest nu vlot en durft in de klas iets te vragen.",
        school_evaluation="Duidelijke vooruitgang in lezen; de juf merkt meer zelfvertrouwen.",
    ),
    ClosedDemoDuo(
        _duo("buddy.student", "zorg.busleyden", ("Adam", "Vermeulen", 7), "900002", 36),
        CloseReason.ENDED_AS_PLANNED,
        meetings=12,
        final_wellbeing=4,
        buddy_evaluation="Fijne samenwerking; planning maken lukt nu alleen.",
        school_evaluation="Adam plant zijn taken beter. Afscheid was mooi voorbereid.",
    ),
    ClosedDemoDuo(
        _duo("buddy.stagiair", "zorg.ursulinen", ("Noor", "Claes", 1), "900001", 34),
        CloseReason.STOPPED_BY_PARTICIPANT,
        meetings=4,
        final_wellbeing=3,
        buddy_evaluation="Noor wilde na een maand liever naar de naschoolse sport.",
        school_evaluation="Begrijpelijke keuze; we volgen Noor verder op in de klas.",
        goodbye=False,
    ),
    ClosedDemoDuo(
        _duo("buddy.student", "zorg.busleyden", ("Sara", "Dubois", 7), "900002", 32),
        CloseReason.STOPPED_BY_BUDDY,
        meetings=5,
        final_wellbeing=3,
        buddy_evaluation="Door mijn stageplanning kon ik niet meer op woensdag komen.",
        school_evaluation="Jammer; de coördinator zoekt een nieuwe buddy.",
        rematch_reason="Sara wil graag verder met een buddy op een andere dag.",
    ),
    ClosedDemoDuo(
        _duo("buddy.stagiair", "zorg.ursulinen", ("Mila", "Janssens", 2), "900001", 30),
        CloseReason.STOPPED_BY_SCHOOL,
        meetings=6,
        final_wellbeing=2,
        buddy_evaluation="Mila had meer nodig dan een buddy; goed dat de school ingreep.",
        school_evaluation="Mila krijgt nu begeleiding van het CLB.",
        goodbye=False,
    ),
    ClosedDemoDuo(
        _duo("buddy.student", "zorg.busleyden", ("Youssef", "El Amrani", 7), "900002", 28),
        CloseReason.MOVED,
        meetings=7,
        final_wellbeing=4,
        buddy_evaluation="Youssef verhuisde naar Gent; we namen mooi afscheid.",
        school_evaluation="Het dossier ging mee naar de nieuwe school.",
    ),
    ClosedDemoDuo(
        _duo("buddy.stagiair", "zorg.ursulinen", ("Emma", "Willems", 4), "900001", 26),
        CloseReason.NOT_STARTED,
        meetings=0,
        final_wellbeing=None,
        goodbye=False,
    ),
]


def _closed(closed: ClosedDemoDuo) -> None:
    spec = closed.spec
    referrals = participants_of(spec)
    if referrals is None:
        return
    today = dates.today()
    duo, buddy, staff = start_duo(spec, referrals)
    start = spec.start
    end = start + dt.timedelta(weeks=max(closed.meetings, 1))
    if closed.reason != CloseReason.NOT_STARTED:
        agreement_confirm(actor=buddy, trajectory=duo, side="buddy", now=at(start))
        agreement_confirm(actor=staff, trajectory=duo, side="school", now=at(start))
        for week in range(closed.meetings):
            day = start + dt.timedelta(weeks=week)
            meeting_log(
                actor=buddy,
                trajectory=duo,
                date=day,
                duration_minutes=50,
                topics=TOPICS[week % len(TOPICS)],
                is_goodbye=closed.goodbye and week == closed.meetings - 1,
                today=today,
                now=at(day, 17),
            )
        trajectory_evaluate(actor=buddy, trajectory=duo, text=closed.buddy_evaluation, now=at(end))
        trajectory_evaluate(actor=staff, trajectory=duo, text=closed.school_evaluation, now=at(end))
    trajectory_close(
        actor=person("coordinator.mechelen"),
        trajectory=duo,
        reason=closed.reason,
        closed_on=end,
        final_wellbeing=closed.final_wellbeing,
        rematch_reason=closed.rematch_reason,
        today=today,
    )


def closed_duos() -> None:
    """The coordinator of Buddy Mechelen finds seven closed duos of Sara and Samir from
    earlier this school year, one for every closing reason (goals reached, ended as
    planned, stopped by the pupil, the buddy or the school, moved, never started), with
    the meetings, the goodbye meeting and both evaluations; closed duos are read-only.
    After Samir stopped, the coordinator chose to look for a new buddy for Sara Dubois:
    her referral is back in the matching queue."""
    for closed in CLOSED_DUOS:
        _closed(closed)
