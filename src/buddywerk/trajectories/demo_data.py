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
from .enums import MeetingStatus, WellbeingMoment
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


def build() -> None:
    for spec in DUOS:
        if not _exists(spec):
            _build_duo(spec)
    from .followup_demo import build_followup

    build_followup()
