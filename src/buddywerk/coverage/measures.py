"""Where buddies are needed and where they are, per municipality (issue 19 point 3).

For a period (a report period: reports/periods.py), at its end E (the last day, or today
while the period runs), per municipality:

- **referrals waiting**: referrals submitted before the end of E and at that moment in a
  programme's queue (submitted, accepted, on the waiting list), by their last status change
  up to then (a referral without a logged change: its status now); placed like the report
  places them (docs/reports.md, "The city's figures"): a pupil at the municipality of their
  school, a family at its home;
- **median waiting days**: of those referrals, days from their submission to E;
- **available buddies**: approved, extract seen by E, screened by E, available on E (their
  availability dates), by their home postcode; while the period runs also not paused (a
  pause has no history); an online-only buddy without a postcode has no place;
- **free places**: what those buddies could still take on E: capacity minus the
  participants of their duos begun by then and not closed before E, and, while the period
  runs, minus their open proposals (as matching counts them), at least 0;
- **active duos**: duos active at some moment of the period (made active by its end, not
  closed before its start), where their participants are;
- **demand per free place**: referrals waiting / free places (no value when both are 0;
  infinite when pupils wait and no place is free);
- **programmes**: programmes whose coverage area holds the municipality (today's areas).

A fixed number of queries whatever the amount of data (tests/coverage count them): free
places come from one scan over the participants and a grouped count of open proposals,
not from a correlated count per buddy; docs/coverage.md, "Fast", says what else keeps it
cheap.
"""

from __future__ import annotations

import csv
import datetime as dt
import functools
import math
import statistics
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db.models import Case, Count, F, OuterRef, Q, Subquery, Value, When
from django.db.models.functions import Coalesce, TruncDate
from django.utils import timezone

from buddywerk.buddies.models import Buddy, ScreeningStatus
from buddywerk.geo.distance import distance_km
from buddywerk.geo.places import MunicipalityInfo, gazetteer
from buddywerk.matching.enums import OPEN_STATUSES as OPEN_PROPOSALS
from buddywerk.matching.models import Proposal
from buddywerk.organisations.models import Programme
from buddywerk.referrals.enums import ReferralStatus
from buddywerk.referrals.models import Referral, ReferralTransition
from buddywerk.referrals.workflow import QUEUE_STATUSES
from buddywerk.reports.periods import Period
from buddywerk.trajectories.enums import TrajectoryStatus
from buddywerk.trajectories.models import Participant

# A white spot: pupils wait and more than this many wait for each free place.
DEMAND_THRESHOLD = 2.0
NEAREST = 3
# Up to this many referrals changed after a past period's end are asked for by id.
CHANGED_AS_LIST = 2000
PUPIL_PLACE = "pupil__school__municipality"
FAMILY_PLACE = "family__postcode__municipality"


@dataclass
class MunicipalityMeasures:
    nis_code: str
    name: str
    province_code: str
    lat: float
    lon: float
    waiting: int = 0
    waiting_days: list[int] = field(default_factory=list, repr=False)
    buddies: int = 0
    free_places: int = 0
    duos: int = 0
    programmes: int = 0

    @property
    def median_days(self) -> float | None:
        return statistics.median(self.waiting_days) if self.waiting_days else None

    @property
    def demand_per_place(self) -> float | None:
        return demand_per_place(self.waiting, self.free_places)


def demand_per_place(waiting: float, free_places: float) -> float | None:
    if free_places:
        return waiting / free_places
    return math.inf if waiting else None


def is_white_spot(*, waiting: float, programmes: int, demand: float | None) -> bool:
    """Pupils or families wait and no programme covers the municipality, or more wait per
    free place than DEMAND_THRESHOLD."""
    if not waiting:
        return False
    return programmes == 0 or (demand is not None and demand > DEMAND_THRESHOLD)


def period_end(period: Period, today: dt.date) -> tuple[dt.date, bool]:
    """The day the snapshot measures are taken (the period's last day, or today while the
    period runs) and whether the period still runs."""
    if period.end >= today:
        return today, True
    return period.end, False


def measures(
    codes: Iterable[str],
    *,
    period: Period,
    today: dt.date,
    programme_ids: Iterable[int] | None = None,
) -> dict[str, MunicipalityMeasures]:
    """The measures of the municipalities `codes` over `period`; with `programme_ids`,
    only what belongs to those programmes (their referrals, buddies, duos and coverage).
    Five queries, for either kind of period."""
    codes = sorted(set(codes))
    ids = None if programme_ids is None else sorted(set(programme_ids))
    end, running = period_end(period, today)
    tz = timezone.get_current_timezone()
    end_at = dt.datetime.combine(end + dt.timedelta(days=1), dt.time.min, tzinfo=tz)
    known = municipalities()
    rows = {
        nis: MunicipalityMeasures(nis, info.name, info.province_code, info.lat, info.lon)
        for nis in codes
        if (info := known.get(nis)) is not None
    }

    placed = in_places(PUPIL_PLACE, codes) | in_places(FAMILY_PLACE, codes)
    # The day of submission in local time, from the database (no datetime per row here).
    waiting = Referral.objects.filter(placed, submitted_at__lt=end_at).annotate(
        submitted_on=TruncDate("submitted_at", tzinfo=tz)
    )
    if ids is not None:
        waiting = waiting.filter(programme_id__in=ids)
    fields = (PUPIL_PLACE, FAMILY_PLACE, "submitted_on", "status_then")
    if running:
        # Every logged change lies before the end of today: the status now is the last.
        found = (
            waiting.filter(status__in=QUEUE_STATUSES)
            .annotate(status_then=F("status"))
            .order_by()
            .values_list(*fields)
        )
    else:
        # Only two kinds of referral can have been in a queue on E: those in one now, and
        # those whose status changed after E. Any other had its last change before E (the
        # status is only ever changed by a logged transition), so its status then is its
        # status now, outside the queues. The status then (the last change before E, one
        # probe of the index referral_move_history) is looked up for these candidates
        # alone, not for every referral of the years before (issue 19 point 5); "changed
        # after E" reads the report's index (to_status, at, referral) once per status.
        # The two kinds are asked as a UNION ALL rather than an OR, which PostgreSQL
        # estimates at half the referrals and then JIT-compiles the query for; the status
        # then is selected, not filtered on, for the same reason (rows outside the queues
        # are skipped below).
        changed_since: Any = ReferralTransition.objects.filter(
            to_status__in=ReferralStatus.values, at__gte=end_at
        ).values("referral_id")
        # Read first: for a recent E these are few, and a list of them lets the database
        # fetch just those referrals; as a sub-select it scans all of them (in parallel)
        # to join a few dozen. A long list (an E years back) stays a sub-select.
        moved = sorted({pk for (pk,) in changed_since.values_list("referral_id")})
        if len(moved) <= CHANGED_AS_LIST:
            changed_since = moved
        last = (
            ReferralTransition.objects.filter(referral=OuterRef("pk"), at__lt=end_at)
            .order_by("-at", "-pk")
            .values("to_status")[:1]
        )
        then = Coalesce(Subquery(last), "status")
        found = (
            waiting.filter(status__in=QUEUE_STATUSES)
            .annotate(status_then=then)
            .order_by()
            .values_list(*fields)
            .union(
                waiting.exclude(status__in=QUEUE_STATUSES)
                .filter(pk__in=changed_since)
                .annotate(status_then=then)
                .order_by()
                .values_list(*fields),
                all=True,
            )
        )
    queues = frozenset(QUEUE_STATUSES)
    for school_place, home_place, submitted_on, status_then in found:
        row = rows.get(school_place or home_place)
        if row is None or status_then not in queues:
            continue
        row.waiting += 1
        row.waiting_days.append((end - submitted_on).days)

    buddies = Buddy.objects.filter(
        status=ScreeningStatus.APPROVED,
        extract_seen_on__lte=end,
    ).filter(
        in_places("home_postcode__municipality", codes),
        Q(screened_at__isnull=True) | Q(screened_at__lt=end_at),
        Q(available_from__isnull=True) | Q(available_from__lte=end),
        Q(available_until__isnull=True) | Q(available_until__gte=end),
    )
    if running:
        buddies = buddies.filter(is_paused=False)
    if ids is not None:
        buddies = buddies.filter(
            pk__in=Buddy.programmes.through.objects.filter(programme_id__in=ids).values("buddy_id")
        )
    # One pass over the participants of the duos that matter: those running on E take
    # places of their buddy (however the programmes are scoped: a buddy's capacity is
    # theirs), those active during the period count where their participants are. One
    # scan, classified by the database, instead of a correlated count per buddy (issue 19
    # point 5).
    if running:
        takes_place = ~Q(trajectory__status=TrajectoryStatus.CLOSED)  # as matching counts
    else:
        takes_place = Q(
            Q(trajectory__created_at__lt=end_at) | Q(trajectory__planned_start__lte=end),
            Q(trajectory__closed_on__gt=end)
            | (
                Q(trajectory__closed_on__isnull=True)
                & ~Q(trajectory__status=TrajectoryStatus.CLOSED)
            ),
        )
    # Active during the period: begun by its end (by the planned start; a duo still only
    # planned never was active) and not closed before its start.
    was_active = Q(
        Q(trajectory__closed_on__isnull=True) | Q(trajectory__closed_on__gte=period.start),
        trajectory__planned_start__lte=end,
    ) & ~Q(trajectory__status=TrajectoryStatus.PLANNED)
    if ids is not None:
        was_active &= Q(trajectory__programme_id__in=ids)

    def flag(condition: Q) -> Case:
        return Case(When(condition, then=Value(True)), default=Value(False))

    in_duos: dict[int, int] = defaultdict(int)
    # A group duo has several participants of one school: count the duo once there.
    seen: set[tuple[int, str]] = set()
    for trajectory_id, buddy_id, takes, active, school_place, home_place in (
        Participant.objects.filter(takes_place | was_active)
        .annotate(takes=flag(takes_place), active=flag(was_active))
        .order_by()
        .values_list(
            "trajectory_id", "trajectory__buddy_id", "takes", "active", PUPIL_PLACE, FAMILY_PLACE
        )
    ):
        if takes:
            in_duos[buddy_id] += 1
        nis = school_place or home_place
        if active and nis in rows and (trajectory_id, nis) not in seen:
            seen.add((trajectory_id, nis))
            rows[nis].duos += 1

    proposed: dict[int, int] = {}
    if running:
        proposed = dict(
            Proposal.objects.filter(status__in=OPEN_PROPOSALS)
            .values_list("buddy_id")
            .annotate(n=Count("pk"))
            .order_by()
        )
    for pk, nis, capacity in buddies.order_by().values_list(
        "pk", "home_postcode__municipality", "capacity"
    ):
        rows[nis].buddies += 1
        rows[nis].free_places += max(0, capacity - in_duos.get(pk, 0) - proposed.get(pk, 0))

    # Every coverage link (a small table): those outside `codes` are skipped here.
    links = Programme.municipalities.through.objects.all()
    if ids is not None:
        links = links.filter(programme_id__in=ids)
    for nis, n in links.values_list("municipality_id").annotate(n=Count("pk")).order_by():
        if nis in rows:
            rows[nis].programmes = n
    return rows


def municipalities() -> dict[str, MunicipalityInfo]:
    """Every municipality with its name, province and centroid, from the in-memory
    gazetteer (shipped data: no query once warm)."""
    return gazetteer().municipalities


def in_places(path: str, codes: Iterable[str]) -> Q:
    """`path` (a lookup ending in a municipality) lies in one of `codes`. Whole provinces
    are asked by province code: the funder's 304 municipalities are six provinces, a
    regional coordinator's one, and a short IN list costs the database client far less to
    build and send than 304 parameters (issue 19 point 5)."""
    chosen = set(codes)
    by_province: dict[str, set[str]] = defaultdict(set)
    for nis, info in municipalities().items():
        by_province[info.province_code].add(nis)
    whole = sorted(p for p, members in by_province.items() if members <= chosen)
    rest = sorted(chosen - {nis for p in whole for nis in by_province[p]})
    condition = Q(pk__in=[])
    if whole:
        condition |= Q(**{f"{path}__province__in": whole})
    if rest:
        condition |= Q(**{f"{path}__in": rest})
    return condition


# --- Where to look for help near a white spot -----------------------------------------


@dataclass(frozen=True)
class Nearby:
    name: str
    km: float
    url: str = ""

    @property
    def km_rounded(self) -> int:
        return round(self.km)


@functools.cache
def training_institutions() -> tuple[tuple[str, str], ...]:
    """(label, NIS code) of each teacher-training campus in data/ (a partial list)."""
    path = Path(settings.DATA_DIR) / "teacher_training_institutions.csv"
    with path.open(encoding="utf-8", newline="") as handle:
        return tuple(
            (f"{row['institution']}, {row['campus']}", row["nis_code"])
            for row in csv.DictReader(handle)
            if row["nis_code"]
        )


def nearest_institutions(
    row: MunicipalityMeasures, places: dict[str, tuple[float, float]]
) -> list[Nearby]:
    found = [
        Nearby(label, distance_km(row.lat, row.lon, *places[nis]))
        for label, nis in training_institutions()
        if nis in places
    ]
    return sorted(found, key=lambda n: (n.km, n.name))[:NEAREST]


@functools.cache
def institutions_near(nis_code: str) -> tuple[Nearby, ...]:
    """The nearest teacher-training campuses of a municipality: shipped data both, so
    computed once per process and municipality."""
    info = municipalities()[nis_code]
    row = MunicipalityMeasures(nis_code, info.name, info.province_code, info.lat, info.lon)
    return tuple(nearest_institutions(row, municipality_points()))


@dataclass(frozen=True)
class ProgrammeArea:
    name: str
    url: str


def programme_areas() -> dict[str, list[ProgrammeArea]]:
    """The programmes covering each municipality, with their public page (one query)."""
    from django.urls import reverse

    found: dict[int, ProgrammeArea] = {}
    result: dict[str, list[ProgrammeArea]] = defaultdict(list)
    for pid, name, uuid, nis in Programme.municipalities.through.objects.values_list(
        "programme_id", "programme__name", "programme__uuid", "municipality_id"
    ).order_by("programme_id"):
        if pid not in found:
            found[pid] = ProgrammeArea(name, reverse("organisations:programme_detail", args=[uuid]))
        result[nis].append(found[pid])
    return result


@functools.cache
def neighbours(nis_code: str) -> tuple[tuple[float, str], ...]:
    """Every municipality by distance from `nis_code` (centroid to centroid, itself first
    at 0 km). The centroids are shipped data (data/), so the order is computed once per
    process and municipality, not per request."""
    points = municipality_points()
    lat, lon = points[nis_code]
    return tuple(sorted((distance_km(lat, lon, *point), nis) for nis, point in points.items()))


def nearest_programmes(nis_code: str, areas: dict[str, list[ProgrammeArea]]) -> list[Nearby]:
    """The programmes whose coverage area comes closest (centroid to centroid): walks the
    municipalities outwards until NEAREST programmes are found (ties at the last distance
    included, then ordered by name)."""
    best: dict[ProgrammeArea, float] = {}
    last_km = math.inf
    for km, nis in neighbours(nis_code):
        if len(best) >= NEAREST and km > last_km:
            break
        for area in areas.get(nis, ()):
            if area not in best:
                best[area] = km
                last_km = km
    found = [Nearby(area.name, km, area.url) for area, km in best.items()]
    return sorted(found, key=lambda n: (n.km, n.name))[:NEAREST]


def municipality_points() -> dict[str, tuple[float, float]]:
    """Centroids of every municipality, from the in-memory gazetteer (no query once warm)."""
    return {nis: (info.lat, info.lon) for nis, info in municipalities().items()}


def group_by_province(rows: Iterable[MunicipalityMeasures]) -> dict[str, list[str]]:
    result: dict[str, list[str]] = defaultdict(list)
    for row in rows:
        result[row.province_code].append(row.nis_code)
    return result
