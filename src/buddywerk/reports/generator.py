"""A reproducible synthetic Flanders and Brussels for benchmarks (issue 7).

`buddywerk generate --scale N` fills an empty database: at N=1 24 programmes, 200 schools,
800 buddies and 2,000 referrals a school year; at N=10 2,500 schools, 8,000 buddies and
20,000 referrals a year. By default eight school years of duos up to `--school-year`
(`--years`): each approved buddy takes one to three participants at once, one duo after
another (school duos weekly for 10 to 32 weeks, family duos twice a month for six months,
some school duos a small group), with held, cancelled and (for duos still running at the
end of the school year) planned meetings, well-being scores, and closing reasons. That
gives about 190,000 meetings at N=1 and about 1.9 million at N=10 (DOMAIN.md: "a few
million meetings over the years"). Everything comes from one seeded random generator, so
the same N, seed and years give the same data. Rows are written with bulk_create in
batches, and the rows nothing refers to (meetings, scores, history) with COPY on
PostgreSQL. Nobody here is real: names are "Leerling 123", e-mail addresses end in .invalid.
"""

import datetime as dt
import heapq
import json
import random
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from typing import Any

from django.db import connection, transaction
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
    Service,
    ServiceKind,
    TrainingInstitution,
)
from buddywerk.referrals.models import Family, Pupil, Referral, ReferralStatus, ReferralTransition
from buddywerk.referrals.rollup import referral_waits_rebuild
from buddywerk.referrals.workflow import REFERRAL
from buddywerk.trajectories.enums import (
    CancelReason,
    CloseReason,
    Frequency,
    MeetingStatus,
    MeetingTopic,
    TrajectoryStatus,
    WellbeingMoment,
    WellbeingSource,
)
from buddywerk.trajectories.models import Meeting, Participant, Trajectory, WellbeingScore
from buddywerk.trajectories.rollup import duo_months_rebuild

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
# Where the referrals of the current school year stand, and those of earlier years.
CURRENT_WEIGHTS = {
    ReferralStatus.MATCHED: 58,
    ReferralStatus.CLOSED: 10,
    ReferralStatus.WAITING: 8,
    ReferralStatus.SUBMITTED: 6,
    ReferralStatus.ACCEPTED: 6,
    ReferralStatus.DECLINED: 7,
    ReferralStatus.WITHDRAWN: 5,
}
PAST_WEIGHTS = {ReferralStatus.CLOSED: 82, ReferralStatus.DECLINED: 10, ReferralStatus.WITHDRAWN: 8}
CLOSE_WEIGHTS = {
    CloseReason.ENDED_AS_PLANNED: 45,
    CloseReason.GOALS_REACHED: 28,
    CloseReason.STOPPED_BY_PARTICIPANT: 8,
    CloseReason.STOPPED_BY_BUDDY: 5,
    CloseReason.STOPPED_BY_SCHOOL: 4,
    CloseReason.MOVED: 6,
    CloseReason.NOT_STARTED: 4,
}
PLANNED_ENDINGS = {CloseReason.ENDED_AS_PLANNED, CloseReason.GOALS_REACHED}
EARLY_REASONS = {
    CloseReason.STOPPED_BY_PARTICIPANT,
    CloseReason.STOPPED_BY_BUDDY,
    CloseReason.STOPPED_BY_SCHOOL,
    CloseReason.MOVED,
}
CANCEL_REASONS = list(CancelReason.values)
TOPICS = list(MeetingTopic.values)
# School years written, the current one included, by default: eight school years of
# duos give about 200,000 meetings at N=1 and 2 million at N=10 (DOMAIN.md: "a few
# million meetings over the years").
DEFAULT_YEARS = 8
# A buddy renews the criminal-record extract within two years, well inside the 36 months a
# programme counts it by default.
EXTRACT_RENEWED_WITHIN = 720  # days


class NotEmpty(Exception):
    pass


def sizes(scale: int) -> dict[str, int]:
    return {
        "programmes": 20 + 4 * scale,
        "schools": round(200 * scale + 500 * (scale - 1) / 9),  # 200 at N=1, 2,500 at N=10
        "buddies": 800 * scale,
        "referrals": 2000 * scale,  # per school year
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


def _write(model: Any, rows: Iterable[Any], label: str, total: int, progress: Progress) -> int:
    """Insert many rows that nothing refers to: COPY on PostgreSQL (five to ten times faster
    than INSERT for millions of meetings), bulk_create elsewhere. Returns the count."""
    if connection.vendor != "postgresql":
        return len(_bulk(model, rows, label, total, progress))
    fields = [f for f in model._meta.concrete_fields if not f.primary_key]
    columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
    table = connection.ops.quote_name(model._meta.db_table)
    now = timezone.now()
    count = 0
    with connection.cursor() as cursor:
        with cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:  # noqa: S608
            for obj in progress(rows, label, total):
                obj.created_at = obj.updated_at = now
                values = []
                for f in fields:
                    value = getattr(obj, f.attname)
                    if f.get_internal_type() == "JSONField":
                        value = json.dumps(value)
                    values.append(value)
                copy.write_row(values)
                count += 1
    return count


def _aware(day: dt.date, hour: int = 10) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour), tzinfo=timezone.get_current_timezone())


def generate(
    *,
    scale: int = 1,
    seed: int = 2026,
    school_year: int = 2025,
    years: int = DEFAULT_YEARS,
    progress: Progress | None = None,
) -> dict[str, int]:
    """Fill the (empty) database with `years` school years up to `school_year`; returns the
    number of rows per kind."""
    progress = progress or _no_progress
    rng = random.Random(seed)  # noqa: S311 (synthetic data, reproducible on purpose)
    n = sizes(scale)
    start = dt.date(school_year, 9, 1)
    year_end = dt.date(school_year + 1, 6, 30)
    with transaction.atomic():
        municipalities = list(
            Municipality.objects.served().select_related("province").order_by("nis_code")
        )
        postcode_of: dict[str, str] = {}
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
            programme.municipalities.set(area)
            programmes.append(programme)
            areas[programme.pk] = area
        # Services with their details (issue 20), so they show on the services pages;
        # the rng is not consulted, so the rest of the data stays the same.
        services = {
            p.pk: Service.objects.create(
                kind=OrganisationKind.SERVICE,
                name=f"Dienst {p.name}",
                province_id=p.province_id,
                service_kind=ServiceKind.OCMW,
                municipality=areas[p.pk][0],
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
            town = rng.choice(areas[programme.pk])
            school = School.objects.create(
                kind=OrganisationKind.SCHOOL,
                name=f"School {i + 1} {town.name}",
                school_number=f"9{i:06d}",
                level=rng.choice([SchoolLevel.PRIMARY, SchoolLevel.SECONDARY]),
                street=f"Schoolstraat {i % 90 + 1}",
                postcode_id=postcode_of[town.nis_code],
                municipality=town,
                province_id=town.province_id,
                confirmed_at=_aware(start - dt.timedelta(days=60)),
            )
            schools.append((school, programme))

        # Buddies, each with a user account that cannot sign in.
        kinds = list(KIND_WEIGHTS)
        kind_weights = list(KIND_WEIGHTS.values())
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
            kind = rng.choices(kinds, kind_weights)[0]
            mine = [rng.choice(programmes)]
            if rng.random() < 0.05:
                mine.append(rng.choice(programmes))
            approved = rng.random() < 0.85
            home = rng.choice(areas[mine[0].pk])
            # Screened around the start of the school year; a buddy with duos in earlier
            # years is screened again before the first of them (below).
            since = start
            buddy_rows.append(
                Buddy(
                    user=user,
                    kind=kind,
                    status=ScreeningStatus.APPROVED if approved else ScreeningStatus.APPLIED,
                    screened_at=_aware(since + dt.timedelta(days=rng.randint(-120, 120)))
                    if approved
                    else None,
                    extract_seen_on=since + dt.timedelta(days=rng.randint(-150, 100))
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
        # Referrals, school year by school year (the oldest first), and their duos. The
        # plan is made in memory first (who, when, how long), then written in bulk.
        first_year = school_year - years + 1
        slots: dict[int, list[tuple[dt.date, int, int]]] = defaultdict(list)
        for index, (b, mine) in enumerate(zip(buddy_rows, buddy_programmes, strict=True)):
            if b.status == ScreeningStatus.APPROVED:
                for place in range(b.capacity):
                    heapq.heappush(slots[mine[0].pk], (dt.date(first_year, 9, 1), index, place))
        plans: list[dict[str, Any]] = []
        for year in range(first_year, school_year + 1):
            current = year == school_year
            start_of = dt.date(year, 9, 1)
            weights = CURRENT_WEIGHTS if current else PAST_WEIGHTS
            for _i in range(n["referrals"]):
                school, programme = schools[rng.randrange(len(schools))]
                family = programme.participant_kind == ParticipantKind.BOTH and rng.random() < 0.3
                submitted = start_of + dt.timedelta(days=min(int(rng.expovariate(1 / 70)), 280))
                status = rng.choices(list(weights), list(weights.values()))[0]
                plan: dict[str, Any] = {
                    "year": year,
                    "school": school,
                    "programme": programme,
                    "family": family,
                    "submitted": submitted,
                    "status": status,
                    "steps": [],
                }
                day = submitted
                for step in [t.target for t in REFERRAL.path(ReferralStatus.DRAFT, status)]:
                    when: dt.date | None = day
                    if step == ReferralStatus.MATCHED:
                        day = when = day + dt.timedelta(days=int(rng.expovariate(1 / 25)) + 1)
                        plan["matched"] = day
                    elif step == ReferralStatus.CLOSED:
                        when = None  # the day the duo closes, known once it is planned
                    elif step != ReferralStatus.SUBMITTED:
                        day = when = day + dt.timedelta(days=rng.randint(1, 7))
                    plan["steps"].append([step, when])
                plans.append(plan)

        # Duos: the buddy of the programme whose place frees up first takes the referral
        # (buddies take 1-3 participants at once, one duo after another over the years);
        # about one school duo in eight is a small group of pupils of the same school.
        duos_plan: list[dict[str, Any]] = []
        open_groups: dict[int, dict[str, Any]] = {}
        for plan in sorted(
            (p for p in plans if "matched" in p),
            key=lambda p: (p["matched"], p["programme"].pk),
        ):
            programme = plan["programme"]
            begin = plan["matched"] + dt.timedelta(days=7)
            group = open_groups.get(plan["school"].pk)
            if (
                not plan["family"]
                and group is not None
                and group["status"] == plan["status"]
                and len(group["plans"]) < 3
                and (begin - group["begin"]).days <= 14
                and rng.random() < 0.25
            ):
                group["plans"].append(plan)
                continue
            pool = slots[programme.pk]
            if not pool:
                continue
            free_from, buddy_index, place = heapq.heappop(pool)
            begin = max(begin, free_from)  # waits for a place with a screened buddy
            if plan["family"]:
                weeks, every = 26, 14  # R7: six months, twice a month
            else:
                weeks, every = rng.choice([10, 12, 16, 20, 26, 30, 32, 32]), 7
            end = begin + dt.timedelta(weeks=weeks)
            year_end = dt.date(plan["year"] + 1, 6, 30)
            closed = plan["status"] == ReferralStatus.CLOSED
            reason = rng.choices(list(CLOSE_WEIGHTS), list(CLOSE_WEIGHTS.values()))[0]
            last = min(end, year_end)
            if closed and reason in EARLY_REASONS:
                last = begin + (last - begin) * rng.uniform(0.2, 0.8)
            if closed and reason == CloseReason.NOT_STARTED:
                last = begin
            duo = {
                "plans": [plan],
                "buddy": buddy_index,
                "begin": begin,
                "end": end,
                "last": last,
                "step": every,
                "status": plan["status"],
                "closed": closed,
                "reason": reason if closed else "",
                "planned_after": year_end if not closed else None,
            }
            duos_plan.append(duo)
            if not plan["family"]:
                open_groups[plan["school"].pk] = duo
            heapq.heappush(pool, (max(last, free_from) + dt.timedelta(days=7), buddy_index, place))
        for duo in duos_plan:
            for plan in duo["plans"]:
                for pair in plan["steps"]:
                    if pair[1] is None:
                        pair[1] = duo["last"] + dt.timedelta(days=1)
        for plan in plans:  # a closed referral whose programme had no buddy at all
            for pair in plan["steps"]:
                if pair[1] is None:
                    pair[1] = plan["matched"] + dt.timedelta(days=30)

        # A buddy is screened, the extract seen, before their first duo (R2), and renews the
        # extract before it runs out while they keep taking duos (R2 again): otherwise the
        # daily extract check would pause every running duo of a long-serving buddy.
        today = timezone.localdate()
        first_duo: dict[int, dt.date] = {}
        last_duo: dict[int, dt.date] = {}
        for duo in duos_plan:
            if duo["begin"] < first_duo.get(duo["buddy"], dt.date.max):
                first_duo[duo["buddy"]] = duo["begin"]
            last_duo[duo["buddy"]] = max(duo["end"], last_duo.get(duo["buddy"], duo["end"]))
        for index, day in sorted(first_duo.items()):
            screened = day - dt.timedelta(days=rng.randint(14, 90))
            buddy_rows[index].screened_at = _aware(screened)
            seen = screened - dt.timedelta(days=rng.randint(0, 30))
            renew_by, within = min(last_duo[index], today), EXTRACT_RENEWED_WITHIN
            while seen + dt.timedelta(days=within) < renew_by:
                seen += dt.timedelta(days=rng.randint(within // 2, within))
            buddy_rows[index].extract_seen_on = seen
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

        # Participants and referrals.
        pupils: list[Pupil] = []
        families: list[Family] = []
        for i, plan in enumerate(plans):
            school, programme = plan["school"], plan["programme"]
            if plan["family"]:
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
                grade = (
                    rng.randint(1, 6) if school.level == SchoolLevel.PRIMARY else rng.randint(7, 9)
                )
                pupils.append(
                    Pupil(
                        school=school,
                        first_name="Leerling",
                        last_name=str(i),
                        school_year=grade,
                        birth_year=plan["year"] - grade - 5,
                    )
                )
        pupil_iter = iter(_bulk(Pupil, pupils, "pupils", len(pupils), progress))
        family_iter = iter(_bulk(Family, families, "families", len(families), progress))
        referral_rows = []
        for plan in plans:
            plan["pupil"] = None if plan["family"] else next(pupil_iter)
            plan["family_obj"] = next(family_iter) if plan["family"] else None
            changed = plan["steps"][-1][1] if plan["steps"] else plan["submitted"]
            referral_rows.append(
                Referral(
                    programme=plan["programme"],
                    referrer=services[plan["programme"].pk] if plan["family"] else plan["school"],
                    pupil=plan["pupil"],
                    family=plan["family_obj"],
                    status=plan["status"],
                    submitted_at=_aware(plan["submitted"]),
                    status_changed_at=_aware(changed),
                    needs=["homework"],
                    criteria=["motivated"],
                    meeting_modes=["home" if plan["family"] else "school"],
                    consent_given_on=plan["submitted"],
                    consent_given_by="ouders",
                )
            )
        referrals = _bulk(Referral, referral_rows, "referrals", len(referral_rows), progress)
        for referral, plan in zip(referrals, plans, strict=True):
            plan["referral"] = referral

        def transitions() -> Iterator[ReferralTransition]:
            for plan in plans:
                previous = ReferralStatus.DRAFT
                for step, day in plan["steps"]:
                    yield ReferralTransition(
                        referral=plan["referral"],
                        from_status=previous,
                        to_status=step,
                        at=_aware(day),
                    )
                    previous = step

        _write(ReferralTransition, transitions(), "referral history", 3 * len(plans), progress)
        # History written here bypasses the services that keep the report's moments.
        referral_waits_rebuild()

        duos = _bulk(
            Trajectory,
            (
                Trajectory(
                    programme=duo["plans"][0]["programme"],
                    buddy=buddies[duo["buddy"]],
                    school=duo["plans"][0]["referral"].referrer,
                    status=TrajectoryStatus.CLOSED if duo["closed"] else TrajectoryStatus.ACTIVE,
                    mode="home" if duo["plans"][0]["family"] else "school",
                    frequency=Frequency.TWICE_MONTHLY if duo["step"] == 14 else Frequency.WEEKLY,
                    planned_start=duo["begin"],
                    planned_end=duo["end"],
                    internship=buddies[duo["buddy"]].kind == BuddyKind.STUDENT_INTERNSHIP,
                    closed_on=duo["last"] + dt.timedelta(days=1) if duo["closed"] else None,
                    close_reason=duo["reason"],
                    goodbye_meeting_held=duo["reason"] in PLANNED_ENDINGS,
                )
                for duo in duos_plan
            ),
            "duos",
            len(duos_plan),
            progress,
        )
        participants = _bulk(
            Participant,
            (
                Participant(
                    trajectory=trajectory,
                    referral=plan["referral"],
                    pupil=plan["pupil"],
                    family=plan["family_obj"],
                )
                for trajectory, duo in zip(duos, duos_plan, strict=True)
                for plan in duo["plans"]
            ),
            "participants",
            sum(len(d["plans"]) for d in duos_plan),
            progress,
        )

        def meetings() -> Iterator[Meeting]:
            for trajectory, duo in zip(duos, duos_plan, strict=True):
                day, held = duo["begin"], []
                last = duo["last"]
                if duo["reason"] == CloseReason.NOT_STARTED:
                    last = day - dt.timedelta(days=1)
                while day <= duo["end"]:
                    if day > last:
                        if duo["planned_after"] is None:
                            break
                        if day <= duo["planned_after"]:
                            day += dt.timedelta(days=duo["step"])
                            continue
                        # Still running at the end of the school year: the rest of its
                        # meetings are in the calendar, after the summer.
                        if day.month in (7, 8):
                            day = dt.date(day.year, 9, 1)
                        yield Meeting(
                            trajectory_id=trajectory.pk,
                            date=day,
                            status=MeetingStatus.PLANNED,
                            topics=[],
                        )
                        day += dt.timedelta(days=duo["step"])
                        continue
                    cancelled = rng.random() < 0.13
                    if not cancelled:
                        held.append(day)
                    yield Meeting(
                        trajectory_id=trajectory.pk,
                        date=day,
                        status=MeetingStatus.CANCELLED if cancelled else MeetingStatus.HAPPENED,
                        duration_minutes=None if cancelled else rng.choice([45, 60, 60, 90]),
                        cancel_reason=rng.choice(CANCEL_REASONS) if cancelled else "",
                        topics=[] if cancelled else rng.sample(TOPICS, rng.randint(1, 2)),
                        is_goodbye=not cancelled
                        and duo["reason"] in PLANNED_ENDINGS
                        and day + dt.timedelta(days=duo["step"]) > last,
                    )
                    day += dt.timedelta(days=duo["step"])
                duo["held"] = (held[0], held[-1]) if held else (None, None)

        expected = sum((d["end"] - d["begin"]).days // d["step"] + 1 for d in duos_plan)
        n_meetings = _write(Meeting, meetings(), "meetings", expected, progress)
        # Meetings written here bypass the services that keep the report's rollup.
        duo_months_rebuild()

        participant_iter = iter(participants)

        def scores() -> Iterator[WellbeingScore]:
            for trajectory, duo in zip(duos, duos_plan, strict=True):
                first, last = duo["held"]
                for _plan in duo["plans"]:
                    participant = next(participant_iter)
                    if first is None or rng.random() > 0.75:
                        continue
                    intake = rng.randint(1, 4)
                    yield WellbeingScore(
                        trajectory_id=trajectory.pk,
                        participant_id=participant.pk,
                        date=first,
                        moment=WellbeingMoment.INTAKE,
                        source=WellbeingSource.BUDDY,
                        score=intake,
                    )
                    if last and last > first and rng.random() < 0.8:
                        later = max(1, min(5, intake + rng.choice([-1, 0, 1, 1, 2])))
                        yield WellbeingScore(
                            trajectory_id=trajectory.pk,
                            participant_id=participant.pk,
                            date=last,
                            moment=WellbeingMoment.END if duo["closed"] else WellbeingMoment.MIDWAY,
                            source=WellbeingSource.BUDDY,
                            score=later,
                        )

        n_scores = _write(
            WellbeingScore, scores(), "well-being scores", len(participants), progress
        )
        _people(programmes, [s for s, _p in schools], by_province)
    return {
        "programmes": len(programmes),
        "schools": len(schools),
        "buddies": len(buddies),
        "referrals": len(referrals),
        "duos": len(duos),
        "participants": len(participants),
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


__all__ = ["DEFAULT_YEARS", "NotEmpty", "generate", "is_empty", "sizes"]
