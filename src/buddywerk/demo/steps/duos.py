"""Step: the running duos of the demo buddies, with weeks of meetings and well-being that
evolves. `DemoDuo`, `participants_of` and `start_duo` serve the closed duos too."""

import datetime as dt
from dataclasses import dataclass, field

from buddywerk.access.models import User
from buddywerk.buddies.models import Buddy
from buddywerk.organisations.models import Programme
from buddywerk.referrals.enums import ReferralStatus
from buddywerk.referrals.models import Referral
from buddywerk.trajectories.enums import MeetingStatus, WellbeingMoment
from buddywerk.trajectories.models import Trajectory
from buddywerk.trajectories.services import (
    agreement_confirm,
    meeting_log,
    meeting_plan,
    school_insurance_confirm,
    trajectory_start,
    wellbeing_record,
)

from .. import dates
from ..people import demo_email, person
from .referrals import DemoFamily, DemoPupil, refer_family, refer_pupil


@dataclass(frozen=True)
class DemoDuo:
    buddy: str  # mailbox of the buddy
    staff: str  # mailbox of the school (or service) staff member who confirms
    pupils: list[tuple[str, str, int]] = field(default_factory=list)  # first, last, year
    school_number: str = ""
    family: str = ""
    weeks_ago: int = 8
    mode: str = "school"
    slot: str = "wed-pm"
    place: str = ""
    confirm_school: bool = True
    insurance_confirmed: bool = False
    # Leuven well-being over the duo, by the buddy (intake ... latest check).
    wellbeing: tuple[int, ...] = (2, 3, 3, 4)
    notes: tuple[str, ...] = ()

    @property
    def programme(self) -> str:
        return "Gezinsbuddy Gent" if self.family else "Buddy Mechelen"

    @property
    def start(self) -> dt.date:
        return dates.today() - dt.timedelta(weeks=self.weeks_ago)


DUOS = [
    DemoDuo(
        buddy="buddy.stagiair",
        staff="zorg.ursulinen",
        pupils=[("Ilias", "Haddouchi", 6)],
        school_number="900001",
        weeks_ago=8,
        place="De bibliotheek van de school",
        wellbeing=(2, 2, 3, 4),
        notes=(
            "We hebben samen een planning gemaakt voor de toets van vrijdag.",
            "Ilias vertelde trots over zijn voetbalmatch.",
        ),
    ),
    DemoDuo(
        buddy="buddy.student",
        staff="zorg.busleyden",
        pupils=[("Sem", "Wouters", 7), ("Jana", "Maes", 7)],
        school_number="900002",
        weeks_ago=5,
        slot="tue-lunch",
        place="Lokaal B1.04",
        wellbeing=(3, 3, 4),
        notes=("Breuken geoefend met een spel; ze werkten goed samen.",),
    ),
    DemoDuo(
        buddy="buddy.leerkracht",
        staff="zorg.ursulinen",
        pupils=[("Ruben", "Jacobs", 1)],
        school_number="900001",
        weeks_ago=0,
        slot="thu-pm",
        confirm_school=False,
        wellbeing=(),
    ),
    DemoDuo(
        buddy="buddy.gezin",
        staff="onthaal.gent",
        family="Familie Diallo",
        weeks_ago=10,
        mode="home",
        slot="wed-after",
        wellbeing=(2, 3, 4, 4),
        notes=("Samen naar de bibliotheek geweest; de kinderen hebben nu een lenerskaart.",),
    ),
]

TOPICS = [["homework", "talk"], ["maths", "planning"], ["reading", "play"], ["talk"]]


def participants_of(spec: DemoDuo) -> list[Referral] | None:
    """The accepted referrals the duo starts from: the school (or service) referred its
    participants two weeks before the start and the programme accepted them. None when
    they were referred already (a second run of the demo)."""
    days_ago = spec.weeks_ago * 7 + 14
    if spec.family:
        referral = refer_family(
            DemoFamily(spec.family, 4, [5, 9], ["fr", "en"], "fr", "9000", "accepted", days_ago)
        )
        return [referral] if referral is not None else None
    referrals = []
    for index, (first, last, year) in enumerate(spec.pupils):
        referral = refer_pupil(
            DemoPupil(
                first, last, spec.school_number, year, ["nl"], ReferralStatus.ACCEPTED, days_ago
            ),
            index,
        )
        if referral is None:
            return None
        referrals.append(referral)
    return referrals


def at(day: dt.date, hour: int = 16) -> dt.datetime:
    return dates.at(day, hour)


def start_duo(spec: DemoDuo, referrals: list[Referral]) -> tuple[Trajectory, User, User]:
    """The coordinator starts the duo (`trajectory_start`) on `spec.start`; returns it with
    the buddy's and the school contact's accounts."""
    programme = Programme.objects.get(name=spec.programme)
    buddy = Buddy.objects.get(user__email=demo_email(spec.buddy))
    duo = trajectory_start(
        actor=person("coordinator.gent" if spec.family else "coordinator.mechelen"),
        programme=programme,
        buddy=buddy,
        referrals=referrals,
        mode=spec.mode,
        planned_start=spec.start,
        weekly_slot=spec.slot,
        place=spec.place,
    )
    return duo, buddy.user, person(spec.staff)


def _running(spec: DemoDuo, referrals: list[Referral]) -> None:
    today = dates.today()
    duo, buddy, staff = start_duo(spec, referrals)
    start = spec.start
    agreement_confirm(actor=buddy, trajectory=duo, side="buddy", now=at(start, 10))
    if not spec.confirm_school:
        # Not started yet: planned meetings for the calendar, agreements awaiting the school.
        for week in (1, 2, 3):
            meeting_plan(
                actor=buddy,
                trajectory=duo,
                date=start + dt.timedelta(weeks=week),
                start_time=dt.time(14, 0),
                duration_minutes=50,
            )
        return
    agreement_confirm(actor=staff, trajectory=duo, side="school", now=at(start, 11))
    if spec.insurance_confirmed:
        school_insurance_confirm(actor=staff, trajectory=duo, now=at(start, 12))
    _meetings(spec, duo, buddy, today)
    _wellbeing(spec, duo, buddy, staff, today)
    # The next meeting, planned ahead.
    meeting_plan(
        actor=buddy,
        trajectory=duo,
        date=today + dt.timedelta(days=7),
        start_time=dt.time(14, 0),
        duration_minutes=50,
    )


def _meetings(spec: DemoDuo, duo: Trajectory, buddy: User, today: dt.date) -> None:
    """Every week (every other week for a family) since the start, logged by the buddy
    that evening; the third was cancelled."""
    step = dt.timedelta(weeks=2 if spec.family else 1)
    day = spec.start
    index = 0
    while day < today:
        cancelled = index == 2
        note = spec.notes[index % len(spec.notes)] if spec.notes and index % 2 == 0 else ""
        meeting_log(
            actor=buddy,
            trajectory=duo,
            date=day,
            status=MeetingStatus.CANCELLED if cancelled else MeetingStatus.HAPPENED,
            duration_minutes=None if cancelled else 50,
            cancel_reason="pupil_absent" if cancelled else "",
            topics=[] if cancelled else TOPICS[index % len(TOPICS)],
            note=note,
            note_visibility="shared" if index % 4 == 0 else "private",
            today=today,
            now=at(day, 17),
        )
        day += step
        index += 1


def _wellbeing(spec: DemoDuo, duo: Trajectory, buddy: User, staff: User, today: dt.date) -> None:
    """The buddy's Leuven scores from intake on; the school's view at intake; the pupil's
    own smiley answer lately. A low score opens a concern by itself (R11)."""
    if not spec.wellbeing:
        return
    moments = [WellbeingMoment.INTAKE, WellbeingMoment.MIDWAY]
    moments += [WellbeingMoment.CHECK] * (len(spec.wellbeing) - len(moments))
    span = (today - spec.start).days
    for participant in duo.participants.all():
        for position, (moment, score) in enumerate(zip(moments, spec.wellbeing, strict=False)):
            wellbeing_record(
                actor=buddy,
                trajectory=duo,
                participant=participant,
                moment=moment,
                score=score,
                date=spec.start + dt.timedelta(days=span * position // len(spec.wellbeing)),
                today=today,
            )
        wellbeing_record(
            actor=staff,
            trajectory=duo,
            participant=participant,
            moment=WellbeingMoment.INTAKE,
            score=max(1, spec.wellbeing[0] - 1) if spec.family else spec.wellbeing[0],
            date=spec.start,
            today=today,
        )
        if not spec.family:
            wellbeing_record(
                actor=buddy,
                trajectory=duo,
                participant=participant,
                moment=WellbeingMoment.MIDWAY,
                score=min(5, spec.wellbeing[-1]),
                date=today,
                participant_answer=True,
                today=today,
            )


def duos() -> None:
    """Buddies, schools and coordinators find running duos: Sara (buddy.stagiair) with
    Ilias for eight weeks, Samir (buddy.student) with Sem and Jana as a small group, and
    Hanna (buddy.gezin) with Familie Diallo, each with the meetings the buddy logged, a
    cancelled one, well-being scores and the next meeting planned. Lotte
    (buddy.leerkracht) starts with Ruben this week: she confirmed the agreements, the
    school (zorg.ursulinen) still has to."""
    for spec in DUOS:
        referrals = participants_of(spec)
        if referrals is not None:
            _running(spec, referrals)
