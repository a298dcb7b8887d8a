"""Demo duos for the demo buddies: weeks of meetings and well-being that evolves.

Everything goes through the services (start, agreements, meetings, well-being), with the
clock passed in so that meetings lie in the past and older ones are locked. Idempotent:
a duo is keyed on its first participant (pupil: school and name; family: contact name).
"""

import datetime as dt
from dataclasses import dataclass, field

from django.utils import timezone

from buddywerk.access.models import User
from buddywerk.buddies.models import Buddy
from buddywerk.organisations.models import Organisation, Programme, School
from buddywerk.referrals import demo_data as referral_demo
from buddywerk.referrals import services as referral_services
from buddywerk.referrals.models import Family, Pupil, Referral, ReferralStatus

from . import services
from .enums import CloseReason, MeetingStatus, WellbeingMoment
from .models import Participant, Trajectory

DEMO = "demo.buddywerk.be"


@dataclass(frozen=True)
class DemoDuo:
    buddy: str  # local part of the buddy's demo email
    staff: str  # local part of the school (or service) staff member who confirms
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


def _user(local: str) -> User:
    return User.objects.get(email=f"{local}@{DEMO}")


def _accepted_pupil_referral(spec: DemoDuo, index: int, first: str, last: str, year: int):
    programme = Programme.objects.get(name="Buddy Mechelen")
    school = School.objects.get(school_number=spec.school_number)
    referral = referral_services.pupil_referral_create(
        actor=None,
        school=school,
        programme=programme,
        pupil_data=referral_demo.pupil_data(first, last, year, ["nl"]),
        referral_data=referral_demo.pupil_referral_data(index),
    )
    return referral_services.referral_walk(
        actor=None, referral=referral, to_status=ReferralStatus.ACCEPTED, reason="Demo"
    )


def _accepted_family_referral(spec: DemoDuo):
    from buddywerk.geo.models import Postcode

    referral = referral_services.family_referral_create(
        actor=None,
        referrer=Organisation.objects.get(name="Onthaalbureau Gent"),
        programme=Programme.objects.get(name="Gezinsbuddy Gent"),
        family_data={
            "contact_name": spec.family,
            "household_size": 4,
            "children_ages": [5, 9],
            "languages": ["fr", "en"],
            "contact_language": "fr",
            "postcode": Postcode.objects.get(code="9000"),
        },
        referral_data=referral_demo.family_referral_data(),
    )
    return referral_services.referral_walk(
        actor=None, referral=referral, to_status=ReferralStatus.ACCEPTED, reason="Demo"
    )


def _exists(spec: DemoDuo) -> bool:
    if spec.family:
        return Participant.objects.filter(family__contact_name=spec.family).exists()
    first, last, _year = spec.pupils[0]
    return Participant.objects.filter(
        pupil__school__school_number=spec.school_number,
        pupil__first_name=first,
        pupil__last_name=last,
    ).exists()


def _referrals(spec: DemoDuo) -> list[Referral]:
    if spec.family:
        family = Family.objects.filter(contact_name=spec.family).first()
        found = Referral.objects.filter(family=family).first() if family else None
        return [found or _accepted_family_referral(spec)]
    referrals = []
    for index, (first, last, year) in enumerate(spec.pupils):
        pupil = Pupil.objects.filter(
            school__school_number=spec.school_number, first_name=first, last_name=last
        ).first()
        found = Referral.objects.filter(pupil=pupil).first() if pupil else None
        referrals.append(found or _accepted_pupil_referral(spec, index, first, last, year))
    return referrals


def _at(day: dt.date, hour: int = 16) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, 0)))


def _build_duo(spec: DemoDuo) -> Trajectory:
    today = timezone.localdate()
    buddy = Buddy.objects.get(user__email=f"{spec.buddy}@{DEMO}")
    referrals = _referrals(spec)
    start = today - dt.timedelta(weeks=spec.weeks_ago)
    duo = services.trajectory_start(
        actor=None,
        programme=referrals[0].programme,
        buddy=buddy,
        referrals=referrals,
        mode=spec.mode,
        planned_start=start,
        weekly_slot=spec.slot,
        place=spec.place,
    )
    services.agreement_confirm(actor=buddy.user, trajectory=duo, side="buddy", now=_at(start, 10))
    staff = _user(spec.staff)
    if not spec.confirm_school:
        # Not started yet: planned meetings for the calendar, agreements awaiting the school.
        for week in (1, 2, 3):
            services.meeting_plan(
                actor=buddy.user,
                trajectory=duo,
                date=start + dt.timedelta(weeks=week),
                start_time=dt.time(14, 0),
                duration_minutes=50,
            )
        return duo
    services.agreement_confirm(actor=staff, trajectory=duo, side="school", now=_at(start, 11))
    if spec.insurance_confirmed:
        services.school_insurance_confirm(actor=staff, trajectory=duo, now=_at(start, 12))
    _meetings(spec, duo, buddy.user, staff, start, today)
    # The next meeting, planned ahead.
    services.meeting_plan(
        actor=buddy.user,
        trajectory=duo,
        date=today + dt.timedelta(days=7),
        start_time=dt.time(14, 0),
        duration_minutes=50,
    )
    return duo


def _meetings(spec: DemoDuo, duo: Trajectory, buddy_user, staff, start, today) -> None:
    step = dt.timedelta(weeks=2 if spec.family else 1)
    day = start
    index = 0
    while day < today:
        cancelled = index == 2
        note = spec.notes[index % len(spec.notes)] if spec.notes and index % 2 == 0 else ""
        services.meeting_log(
            actor=buddy_user,
            trajectory=duo,
            date=day,
            status=MeetingStatus.CANCELLED if cancelled else MeetingStatus.HAPPENED,
            duration_minutes=None if cancelled else 50,
            cancel_reason="pupil_absent" if cancelled else "",
            topics=[] if cancelled else TOPICS[index % len(TOPICS)],
            note=note,
            note_visibility="shared" if index % 4 == 0 else "private",
            today=today,
            now=_at(day, 17),
        )
        day += step
        index += 1
    _wellbeing(spec, duo, buddy_user, staff, start, today)


def _wellbeing(spec: DemoDuo, duo: Trajectory, buddy_user, staff, start, today) -> None:
    if not spec.wellbeing:
        return
    moments = [WellbeingMoment.INTAKE, WellbeingMoment.MIDWAY]
    moments += [WellbeingMoment.CHECK] * (len(spec.wellbeing) - len(moments))
    span = (today - start).days
    for participant in duo.participants.all():
        for position, (moment, score) in enumerate(zip(moments, spec.wellbeing, strict=False)):
            day = start + dt.timedelta(days=span * position // len(spec.wellbeing))
            services.wellbeing_record(
                actor=buddy_user,
                trajectory=duo,
                participant=participant,
                moment=moment,
                score=score,
                date=day,
                today=today,
            )
        # The school's view at intake, and the pupil's own smiley answer lately.
        services.wellbeing_record(
            actor=staff,
            trajectory=duo,
            participant=participant,
            moment=WellbeingMoment.INTAKE,
            score=max(1, spec.wellbeing[0] - 1) if spec.family else spec.wellbeing[0],
            date=start,
            today=today,
        )
        if not spec.family:
            services.wellbeing_record(
                actor=buddy_user,
                trajectory=duo,
                participant=participant,
                moment=WellbeingMoment.MIDWAY,
                score=min(5, spec.wellbeing[-1]),
                date=today,
                participant_answer=True,
                today=today,
            )


@dataclass(frozen=True)
class ClosedDemoDuo:
    """A finished duo: one per closing reason, with both evaluations (issue 5)."""

    spec: DemoDuo
    reason: str
    meetings: int  # weeks with a meeting before the end
    final_wellbeing: int | None
    buddy_evaluation: str = ""
    school_evaluation: str = ""
    goodbye: bool = True
    rematch_reason: str = ""


CLOSED_DUOS = [
    ClosedDemoDuo(
        DemoDuo(
            "buddy.stagiair", "zorg.ursulinen", [("Lotte", "Peeters", 5)], "900001", weeks_ago=40
        ),
        CloseReason.GOALS_REACHED,
        meetings=12,
        final_wellbeing=5,
        buddy_evaluation="Lotte leest nu vlot en durft in de klas iets te vragen.",
        school_evaluation="Duidelijke vooruitgang in lezen; de juf merkt meer zelfvertrouwen.",
    ),
    ClosedDemoDuo(
        DemoDuo(
            "buddy.student", "zorg.busleyden", [("Adam", "Vermeulen", 7)], "900002", weeks_ago=36
        ),
        CloseReason.ENDED_AS_PLANNED,
        meetings=12,
        final_wellbeing=4,
        buddy_evaluation="Fijne samenwerking; planning maken lukt nu alleen.",
        school_evaluation="Adam plant zijn taken beter. Afscheid was mooi voorbereid.",
    ),
    ClosedDemoDuo(
        DemoDuo("buddy.stagiair", "zorg.ursulinen", [("Noor", "Claes", 1)], "900001", weeks_ago=34),
        CloseReason.STOPPED_BY_PARTICIPANT,
        meetings=4,
        final_wellbeing=3,
        buddy_evaluation="Noor wilde na een maand liever naar de naschoolse sport.",
        school_evaluation="Begrijpelijke keuze; we volgen Noor verder op in de klas.",
        goodbye=False,
    ),
    ClosedDemoDuo(
        DemoDuo("buddy.student", "zorg.busleyden", [("Sara", "Dubois", 7)], "900002", weeks_ago=32),
        CloseReason.STOPPED_BY_BUDDY,
        meetings=5,
        final_wellbeing=3,
        buddy_evaluation="Door mijn stageplanning kon ik niet meer op woensdag komen.",
        school_evaluation="Jammer; de coördinator zoekt een nieuwe buddy.",
        rematch_reason="Sara wil graag verder met een buddy op een andere dag.",
    ),
    ClosedDemoDuo(
        DemoDuo(
            "buddy.stagiair", "zorg.ursulinen", [("Mila", "Janssens", 2)], "900001", weeks_ago=30
        ),
        CloseReason.STOPPED_BY_SCHOOL,
        meetings=6,
        final_wellbeing=2,
        buddy_evaluation="Mila had meer nodig dan een buddy; goed dat de school ingreep.",
        school_evaluation="Mila krijgt nu begeleiding van het CLB.",
        goodbye=False,
    ),
    ClosedDemoDuo(
        DemoDuo(
            "buddy.student", "zorg.busleyden", [("Youssef", "El Amrani", 7)], "900002", weeks_ago=28
        ),
        CloseReason.MOVED,
        meetings=7,
        final_wellbeing=4,
        buddy_evaluation="Youssef verhuisde naar Gent; we namen mooi afscheid.",
        school_evaluation="Het dossier ging mee naar de nieuwe school.",
    ),
    ClosedDemoDuo(
        DemoDuo(
            "buddy.stagiair", "zorg.ursulinen", [("Emma", "Willems", 4)], "900001", weeks_ago=26
        ),
        CloseReason.NOT_STARTED,
        meetings=0,
        final_wellbeing=None,
        goodbye=False,
    ),
]


def _build_closed_duo(closed: ClosedDemoDuo) -> Trajectory:
    """A duo that ran in the past and was closed, through the services with a past clock."""
    spec = closed.spec
    today = timezone.localdate()
    buddy = Buddy.objects.get(user__email=f"{spec.buddy}@{DEMO}")
    staff = _user(spec.staff)
    start = today - dt.timedelta(weeks=spec.weeks_ago)
    duo = services.trajectory_start(
        actor=None,
        programme=Programme.objects.get(name="Buddy Mechelen"),
        buddy=buddy,
        referrals=_referrals(spec),
        mode=spec.mode,
        planned_start=start,
        weekly_slot=spec.slot,
    )
    end = start + dt.timedelta(weeks=max(closed.meetings, 1))
    if closed.reason != CloseReason.NOT_STARTED:
        services.agreement_confirm(actor=buddy.user, trajectory=duo, side="buddy", now=_at(start))
        services.agreement_confirm(actor=staff, trajectory=duo, side="school", now=_at(start))
        for week in range(closed.meetings):
            day = start + dt.timedelta(weeks=week)
            services.meeting_log(
                actor=buddy.user,
                trajectory=duo,
                date=day,
                duration_minutes=50,
                topics=TOPICS[week % len(TOPICS)],
                is_goodbye=closed.goodbye and week == closed.meetings - 1,
                today=today,
                now=_at(day, 17),
            )
        services.trajectory_evaluate(
            actor=buddy.user, trajectory=duo, text=closed.buddy_evaluation, now=_at(end)
        )
        services.trajectory_evaluate(
            actor=staff, trajectory=duo, text=closed.school_evaluation, now=_at(end)
        )
    services.trajectory_close(
        actor=None,
        trajectory=duo,
        reason=closed.reason,
        closed_on=end,
        final_wellbeing=closed.final_wellbeing,
        rematch_reason=closed.rematch_reason,
        today=today,
    )
    return duo


def build_closed() -> None:
    """Closed duos of every reason, with evaluations by the buddy and the school."""
    for closed in CLOSED_DUOS:
        if not _exists(closed.spec):
            _build_closed_duo(closed)


def build() -> None:
    for spec in DUOS:
        if not _exists(spec):
            _build_duo(spec)
    build_closed()
