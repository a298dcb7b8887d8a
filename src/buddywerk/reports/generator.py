"""A reproducible synthetic Flanders and Brussels for benchmarks (issue 7).

`buddywerk generate --scale N` fills an empty database: at N=1 about 24 programmes, 200
schools, 800 buddies, 2,000 referrals and one school year of weekly meetings; at N=10 ten
times the people (2,450 schools, 8,000 buddies, 20,000 referrals). Everything comes from
one seeded random generator, so the same N and seed give the same data. Rows are written
with bulk_create in batches (schools and programmes, multi-table models, one by one).
Nobody here is real: names are "Leerling 123", e-mail addresses end in .invalid.
"""

import datetime as dt
import random
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from typing import Any

from django.db import transaction
from django.utils import timezone

from buddywerk.access.models import Membership, Role, User
from buddywerk.buddies.models import STUDENT_KINDS, Buddy, BuddyKind, ScreeningStatus
from buddywerk.geo.models import Municipality, Postcode
from buddywerk.organisations.models import (
    Organisation,
    OrganisationKind,
    ParticipantKind,
    Programme,
    School,
    SchoolLevel,
    TrainingInstitution,
)
from buddywerk.referrals.models import Family, Pupil, Referral, ReferralStatus, ReferralTransition
from buddywerk.referrals.workflow import path_from_draft
from buddywerk.trajectories.enums import (
    CloseReason,
    MeetingStatus,
    TrajectoryStatus,
    WellbeingMoment,
    WellbeingSource,
)
from buddywerk.trajectories.models import Meeting, Participant, Trajectory, WellbeingScore

BATCH = 2000
# The hash Django stores for an unusable password: these accounts cannot sign in.
UNUSABLE = "!"  # noqa: S105

KIND_WEIGHTS = {
    BuddyKind.STUDENT_INTERNSHIP: 30,
    BuddyKind.STUDENT: 30,
    BuddyKind.TEACHER: 10,
    BuddyKind.RETIRED_TEACHER: 15,
    BuddyKind.ROLE_MODEL: 10,
    BuddyKind.SECTOR_MENTOR: 5,
}
STATUS_WEIGHTS = {
    ReferralStatus.MATCHED: 58,
    ReferralStatus.CLOSED: 10,
    ReferralStatus.WAITING: 8,
    ReferralStatus.SUBMITTED: 6,
    ReferralStatus.ACCEPTED: 6,
    ReferralStatus.DECLINED: 7,
    ReferralStatus.WITHDRAWN: 5,
}
CLOSE_REASONS = [c for c, _label in CloseReason.choices]


class NotEmpty(Exception):
    pass


def sizes(scale: int) -> dict[str, int]:
    return {
        "programmes": 20 + 4 * scale,
        "schools": 200 * scale + 50 * (scale - 1),
        "buddies": 800 * scale,
        "referrals": 2000 * scale,
    }


def is_empty() -> bool:
    return not (Buddy.objects.exists() or Referral.objects.exists() or School.objects.exists())


Progress = Callable[[Iterable[Any], str, int], Iterator[Any]]


def _no_progress(items: Iterable[Any], label: str, total: int) -> Iterator[Any]:
    yield from items


def _bulk(model: Any, rows: Iterable[Any], label: str, total: int, progress: Progress) -> list:
    created: list = []
    batch: list = []
    for row in progress(rows, label, total):
        batch.append(row)
        if len(batch) >= BATCH:
            created.extend(model.objects.bulk_create(batch))
            batch = []
    if batch:
        created.extend(model.objects.bulk_create(batch))
    return created


def _aware(day: dt.date, hour: int = 10) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour), tzinfo=timezone.get_current_timezone())


def generate(
    *, scale: int = 1, seed: int = 2026, school_year: int = 2025, progress: Progress | None = None
) -> dict[str, int]:
    """Fill the (empty) database; returns the number of rows per kind."""
    progress = progress or _no_progress
    rng = random.Random(seed)  # noqa: S311 (synthetic data, reproducible on purpose)
    n = sizes(scale)
    start = dt.date(school_year, 9, 1)
    year_end = dt.date(school_year + 1, 6, 30)
    with transaction.atomic():
        municipalities = list(
            Municipality.objects.served().select_related("province").order_by("nis_code")
        )
        postcode_of = {}
        for code, nis in Postcode.objects.order_by("code").values_list("code", "municipality"):
            postcode_of.setdefault(nis, code)
        municipalities = [m for m in municipalities if m.nis_code in postcode_of]
        by_province = defaultdict(list)
        for m in municipalities:
            by_province[m.province_id].append(m)

        # Organisations: programmes (multi-table, saved one by one), services, regions.
        programmes: list[Programme] = []
        areas: dict[int, list[Municipality]] = {}
        for i in progress(range(n["programmes"]), "programmes", n["programmes"]):
            home = rng.choice(municipalities)
            area = [home, *rng.sample(by_province[home.province_id], 3)]
            programme = Programme.objects.create(
                kind=OrganisationKind.PROGRAMME,
                name=f"Buddywerking {home.name} {i + 1}",
                province_id=home.province_id,
                participant_kind=rng.choice([ParticipantKind.PUPILS] * 3 + [ParticipantKind.BOTH]),
            )
            programme.municipalities.set({m.nis_code for m in area})
            programmes.append(programme)
            areas[programme.pk] = area
        services = {
            p.pk: Organisation.objects.create(
                kind=OrganisationKind.SERVICE, name=f"Dienst {p.name}", province_id=p.province_id
            )
            for p in programmes
        }
        institutions = [
            TrainingInstitution.objects.create(
                kind=OrganisationKind.TRAINING_INSTITUTION,
                name=f"Lerarenopleiding {m.name}",
                municipality=m,
                province_id=m.province_id,
            )
            for m in rng.sample(municipalities, 20)
        ]
        schools: list[tuple[School, Programme]] = []
        for i in progress(range(n["schools"]), "schools", n["schools"]):
            programme = programmes[i % len(programmes)]
            place = rng.choice(areas[programme.pk])
            school = School.objects.create(
                kind=OrganisationKind.SCHOOL,
                name=f"School {i + 1} {place.name}",
                school_number=f"9{i:06d}",
                level=rng.choice([SchoolLevel.PRIMARY, SchoolLevel.SECONDARY]),
                street=f"Schoolstraat {i % 90 + 1}",
                postcode_id=postcode_of[place.nis_code],
                municipality=place,
                province_id=place.province_id,
                confirmed_at=_aware(start - dt.timedelta(days=60)),
            )
            schools.append((school, programme))

        # Buddies, each with a user account that cannot sign in.
        kinds = list(KIND_WEIGHTS)
        weights = list(KIND_WEIGHTS.values())
        users = _bulk(
            User,
            (
                User(
                    email=f"buddy{i}@generated.invalid",
                    first_name="Buddy",
                    last_name=str(i),
                    password=UNUSABLE,
                )
                for i in range(n["buddies"])
            ),
            "buddy accounts",
            n["buddies"],
            progress,
        )
        buddy_rows = []
        buddy_programmes: list[list[Programme]] = []
        for user in users:
            kind = rng.choices(kinds, weights)[0]
            mine = [rng.choice(programmes)]
            if rng.random() < 0.05:
                mine.append(rng.choice(programmes))
            approved = rng.random() < 0.85
            home = rng.choice(areas[mine[0].pk])
            buddy_rows.append(
                Buddy(
                    user=user,
                    kind=kind,
                    status=ScreeningStatus.APPROVED if approved else ScreeningStatus.APPLIED,
                    screened_at=_aware(start + dt.timedelta(days=rng.randint(-120, 120)))
                    if approved
                    else None,
                    extract_seen_on=start + dt.timedelta(days=rng.randint(-150, 100))
                    if approved and rng.random() < 0.92
                    else None,
                    training_institution=rng.choice(institutions)
                    if kind in STUDENT_KINDS
                    else None,
                    on_internship=kind == BuddyKind.STUDENT_INTERNSHIP,
                    home_postcode_id=postcode_of[home.nis_code],
                    travel_radius_km=rng.choice([5, 10, 15, 25]),
                    capacity=rng.choice([1, 1, 2, 3]),
                    languages=["nl"],
                )
            )
            buddy_programmes.append(mine)
        buddies = _bulk(Buddy, buddy_rows, "buddies", len(buddy_rows), progress)
        through = Buddy.programmes.through
        _bulk(
            through,
            (
                through(buddy_id=b.pk, programme_id=p.pk)
                for b, mine in zip(buddies, buddy_programmes, strict=True)
                for p in {p.pk: p for p in mine}.values()
            ),
            "buddy programmes",
            len(buddies),
            progress,
        )
        approved_of: dict[int, list[Buddy]] = defaultdict(list)
        for b, mine in zip(buddies, buddy_programmes, strict=True):
            if b.status == ScreeningStatus.APPROVED:
                approved_of[mine[0].pk].append(b)

        # Participants and referrals over the school year.
        pupils: list[Pupil] = []
        families: list[Family] = []
        plans: list[dict[str, Any]] = []
        for i in range(n["referrals"]):
            school, programme = schools[rng.randrange(len(schools))]
            family = programme.participant_kind == ParticipantKind.BOTH and rng.random() < 0.3
            submitted = start + dt.timedelta(days=min(int(rng.expovariate(1 / 70)), 280))
            status = rng.choices(list(STATUS_WEIGHTS), list(STATUS_WEIGHTS.values()))[0]
            plans.append(
                {
                    "school": school,
                    "programme": programme,
                    "family": family,
                    "submitted": submitted,
                    "status": status,
                }
            )
            if family:
                families.append(
                    Family(
                        referred_by=services[programme.pk],
                        contact_name=f"Gezin {i}",
                        household_size=4,
                        children_ages=[7, 10],
                        languages=["ar"],
                        postcode_id=school.postcode_id,
                    )
                )
            else:
                year = (
                    rng.randint(1, 6) if school.level == SchoolLevel.PRIMARY else rng.randint(7, 9)
                )
                pupils.append(
                    Pupil(
                        school=school,
                        first_name="Leerling",
                        last_name=str(i),
                        school_year=year,
                        birth_year=school_year - year - 5,
                    )
                )
        pupils = iter(_bulk(Pupil, pupils, "pupils", len(pupils), progress))
        families = iter(_bulk(Family, families, "families", len(families), progress))
        referral_rows = []
        for plan in plans:
            plan["pupil"] = None if plan["family"] else next(pupils)
            plan["family_obj"] = next(families) if plan["family"] else None
            referral_rows.append(
                Referral(
                    programme=plan["programme"],
                    referrer=services[plan["programme"].pk] if plan["family"] else plan["school"],
                    pupil=plan["pupil"],
                    family=plan["family_obj"],
                    status=plan["status"],
                    submitted_at=_aware(plan["submitted"]),
                    status_changed_at=_aware(plan["submitted"]),
                    needs=["homework"],
                    criteria=["motivated"],
                    meeting_modes=["school"],
                    consent_given_on=plan["submitted"],
                    consent_given_by="ouders",
                )
            )
        referrals = _bulk(Referral, referral_rows, "referrals", len(referral_rows), progress)

        def transitions() -> Iterator[ReferralTransition]:
            for referral, plan in zip(referrals, plans, strict=True):
                day = plan["submitted"]
                previous = ReferralStatus.DRAFT
                for step in path_from_draft(plan["status"]):
                    if step == ReferralStatus.MATCHED:
                        day = day + dt.timedelta(days=int(rng.expovariate(1 / 25)) + 1)
                        plan["matched"] = day
                    elif step != ReferralStatus.SUBMITTED:
                        day = day + dt.timedelta(days=rng.randint(1, 7))
                    yield ReferralTransition(
                        referral=referral, from_status=previous, to_status=step, at=_aware(day)
                    )
                    previous = step

        _bulk(ReferralTransition, transitions(), "referral history", 3 * len(referrals), progress)

        # Duos for the matched (and closed) referrals, with a school year of meetings.
        duo_rows = []
        duo_plans = []
        counters: dict[int, int] = defaultdict(int)
        for referral, plan in zip(referrals, plans, strict=True):
            if "matched" not in plan or not approved_of[plan["programme"].pk]:
                continue
            pool = approved_of[plan["programme"].pk]
            buddy = pool[counters[plan["programme"].pk] % len(pool)]
            counters[plan["programme"].pk] += 1
            begin = plan["matched"] + dt.timedelta(days=7)
            end = begin + dt.timedelta(weeks=rng.choice([12, 20, 30]))
            closed = plan["status"] == ReferralStatus.CLOSED
            closed_on = min(end, year_end) if closed else None
            duo_rows.append(
                Trajectory(
                    programme=plan["programme"],
                    buddy=buddy,
                    school=referral.referrer,
                    status=TrajectoryStatus.CLOSED if closed else TrajectoryStatus.ACTIVE,
                    mode="home" if plan["family"] else "school",
                    planned_start=begin,
                    planned_end=end,
                    internship=buddy.kind == BuddyKind.STUDENT_INTERNSHIP,
                    closed_on=closed_on,
                    close_reason=rng.choice(CLOSE_REASONS) if closed else "",
                )
            )
            duo_plans.append((referral, plan, begin, min(end, year_end)))
        duos = _bulk(Trajectory, duo_rows, "duos", len(duo_rows), progress)
        participants = _bulk(
            Participant,
            (
                Participant(
                    trajectory=duo,
                    referral=referral,
                    pupil=plan["pupil"],
                    family=plan["family_obj"],
                )
                for duo, (referral, plan, _b, _e) in zip(duos, duo_plans, strict=True)
            ),
            "participants",
            len(duos),
            progress,
        )

        meeting_days: list[tuple[dt.date, dt.date]] = []

        def meetings() -> Iterator[Meeting]:
            for duo, (_r, _p, begin, end) in zip(duos, duo_plans, strict=True):
                day, first, last = begin, None, None
                while day <= end:
                    roll = rng.random()
                    status = MeetingStatus.HAPPENED if roll < 0.86 else MeetingStatus.CANCELLED
                    if status == MeetingStatus.HAPPENED:
                        first = first or day
                        last = day
                    yield Meeting(
                        trajectory=duo,
                        date=day,
                        status=status,
                        duration_minutes=rng.choice([45, 60, 60, 90])
                        if status == MeetingStatus.HAPPENED
                        else None,
                        cancel_reason="pupil_absent" if status == MeetingStatus.CANCELLED else "",
                        topics=["homework"],
                    )
                    day += dt.timedelta(days=7)
                meeting_days.append((first, last))

        expected = sum((e - b).days // 7 + 1 for _r, _p, b, e in duo_plans if e >= b)
        n_meetings = len(_bulk(Meeting, meetings(), "meetings", expected, progress))

        def scores() -> Iterator[WellbeingScore]:
            for duo, participant, (first, last) in zip(
                duos, participants, meeting_days, strict=True
            ):
                if first is None or rng.random() > 0.7:
                    continue
                intake = rng.randint(1, 4)
                yield WellbeingScore(
                    trajectory=duo,
                    participant=participant,
                    date=first,
                    moment=WellbeingMoment.INTAKE,
                    source=WellbeingSource.BUDDY,
                    score=intake,
                )
                if last and last > first and rng.random() < 0.8:
                    later = max(1, min(5, intake + rng.choice([-1, 0, 1, 1, 2])))
                    yield WellbeingScore(
                        trajectory=duo,
                        participant=participant,
                        date=last,
                        moment=WellbeingMoment.END,
                        source=WellbeingSource.BUDDY,
                        score=later,
                    )

        n_scores = len(_bulk(WellbeingScore, scores(), "well-being scores", len(duos), progress))
        _people(programmes, [s for s, _p in schools], by_province)
    return {
        "programmes": len(programmes),
        "schools": len(schools),
        "buddies": len(buddies),
        "referrals": len(referrals),
        "duos": len(duos),
        "meetings": n_meetings,
        "wellbeing_scores": n_scores,
    }


def _people(programmes: list[Programme], schools: list[School], by_province: dict) -> None:
    """One account per role to sign in with (for the dashboards' benchmark): a coordinator
    per programme, a staff member per school, a regional coordinator per province, the
    funder and a platform admin. They have no password: use the admin to set one."""
    regions = [
        Organisation.objects.create(
            kind=OrganisationKind.REGION, name=f"Regio {code}", province_id=code
        )
        for code in sorted(by_province)
    ]
    funder = Organisation.objects.create(kind=OrganisationKind.FUNDER, name="Subsidiegever")
    umbrella = Organisation.objects.create(kind=OrganisationKind.UMBRELLA, name="Koepel")
    seats = (
        [(p, Role.PROGRAMME_COORDINATOR) for p in programmes]
        + [(s, Role.SCHOOL_STAFF) for s in schools]
        + [(r, Role.REGIONAL_COORDINATOR) for r in regions]
        + [(funder, Role.FUNDER), (umbrella, Role.PLATFORM_ADMIN)]
    )
    users = User.objects.bulk_create(
        User(email=f"{role}{i}@generated.invalid", password=UNUSABLE)
        for i, (_o, role) in enumerate(seats)
    )
    Membership.objects.bulk_create(
        Membership(user=user, organisation=org, role=role, is_lead=True)
        for user, (org, role) in zip(users, seats, strict=True)
    )


__all__ = ["NotEmpty", "generate", "is_empty", "sizes"]
