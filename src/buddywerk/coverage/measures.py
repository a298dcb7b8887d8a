"""Where buddies are needed and where they are, per municipality (issue 19 point 3).

On the day asked (today on the map), per municipality:

- **referrals waiting**: referrals in a programme's queue (submitted, accepted, on the
  waiting list), placed like the report places them (docs/reports.md, "The city's
  figures"): a pupil at the municipality of their school, a family at its home;
- **median waiting days**: of those referrals, days since they were submitted;
- **available buddies**: approved, extract seen, not paused, by their home postcode (as the
  regional dashboard counts them; an online-only buddy without a postcode has no place);
- **free places**: what those buddies can still take: capacity minus the participants of
  their running duos and their open proposals (as matching counts them), at least 0;
- **active duos**: duos with status active, where their participants are;
- **demand per free place**: referrals waiting / free places (no value when both are 0;
  infinite when pupils wait and no place is free);
- **programmes**: programmes whose coverage area holds the municipality.

A fixed number of queries whatever the amount of data (tests/coverage count them).
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

from django.conf import settings
from django.db.models import Count, Q

from buddywerk.buddies.models import Buddy
from buddywerk.geo.distance import distance_km
from buddywerk.geo.models import Municipality
from buddywerk.matching.candidates import places_taken
from buddywerk.organisations.models import Programme
from buddywerk.referrals.models import Referral
from buddywerk.referrals.workflow import QUEUE_STATUSES
from buddywerk.trajectories.enums import TrajectoryStatus
from buddywerk.trajectories.models import Participant

# A white spot: pupils wait and more than this many wait for each free place.
DEMAND_THRESHOLD = 2.0
NEAREST = 3
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


def measures(
    codes: Iterable[str], *, today: dt.date, programme_ids: Iterable[int] | None = None
) -> dict[str, MunicipalityMeasures]:
    """The measures of the municipalities `codes`; with `programme_ids`, only what belongs
    to those programmes (their referrals, buddies, duos and coverage). Five queries."""
    codes = sorted(set(codes))
    ids = None if programme_ids is None else sorted(set(programme_ids))
    rows = {
        nis: MunicipalityMeasures(nis, name, province, lat, lon)
        for nis, name, province, lat, lon in Municipality.objects.filter(
            nis_code__in=codes
        ).values_list("nis_code", "name", "province_id", "lat", "lon")
    }

    placed = Q(**{f"{PUPIL_PLACE}__in": codes}) | Q(**{f"{FAMILY_PLACE}__in": codes})
    waiting = Referral.objects.filter(placed, status__in=QUEUE_STATUSES)
    if ids is not None:
        waiting = waiting.filter(programme_id__in=ids)
    for school_place, home_place, submitted_at in waiting.values_list(
        PUPIL_PLACE, FAMILY_PLACE, "submitted_at"
    ):
        row = rows.get(school_place or home_place)
        if row is None:
            continue
        row.waiting += 1
        if submitted_at is not None:
            row.waiting_days.append((today - submitted_at.date()).days)

    buddies = Buddy.objects.available().filter(
        extract_seen_on__isnull=False, home_postcode__municipality__in=codes
    )
    if ids is not None:
        buddies = buddies.filter(
            pk__in=Buddy.programmes.through.objects.filter(programme_id__in=ids).values("buddy_id")
        )
    # The annotations' names come from places_taken(), which the type checker cannot see.
    columns = ("home_postcode__municipality", "capacity", *places_taken())
    for nis, capacity, in_duos, proposed in (
        buddies.annotate(**places_taken()).order_by().values_list(*columns)
    ):
        rows[nis].buddies += 1
        rows[nis].free_places += max(0, capacity - in_duos - proposed)

    duos = Participant.objects.filter(placed, trajectory__status=TrajectoryStatus.ACTIVE)
    if ids is not None:
        duos = duos.filter(trajectory__programme_id__in=ids)
    # A group duo has several participants of one school: count the duo once there.
    seen: set[tuple[int, str]] = set()
    for trajectory_id, school_place, home_place in duos.values_list(
        "trajectory_id", PUPIL_PLACE, FAMILY_PLACE
    ):
        nis = school_place or home_place
        if nis in rows and (trajectory_id, nis) not in seen:
            seen.add((trajectory_id, nis))
            rows[nis].duos += 1

    links = Programme.municipalities.through.objects.filter(municipality_id__in=codes)
    if ids is not None:
        links = links.filter(programme_id__in=ids)
    for nis, n in links.values_list("municipality_id").annotate(n=Count("pk")).order_by():
        rows[nis].programmes = n
    return rows


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


def programme_places() -> dict[int, tuple[str, str, list[tuple[float, float]]]]:
    """Each programme's name, public page and the centroids of its coverage area (one
    query)."""
    from django.urls import reverse

    result: dict[int, tuple[str, str, list[tuple[float, float]]]] = {}
    for pid, name, uuid, lat, lon in Programme.municipalities.through.objects.values_list(
        "programme_id",
        "programme__name",
        "programme__uuid",
        "municipality__lat",
        "municipality__lon",
    ).order_by("programme_id"):
        if pid not in result:
            url = reverse("organisations:programme_detail", args=[uuid])
            result[pid] = (name, url, [])
        result[pid][2].append((lat, lon))
    return result


def nearest_programmes(
    row: MunicipalityMeasures, programmes: dict[int, tuple[str, str, list[tuple[float, float]]]]
) -> list[Nearby]:
    """The programmes whose coverage area comes closest (centroid to centroid)."""
    found = [
        Nearby(name, min(distance_km(row.lat, row.lon, lat, lon) for lat, lon in points), url)
        for name, url, points in programmes.values()
    ]
    return sorted(found, key=lambda n: (n.km, n.name))[:NEAREST]


def municipality_points() -> dict[str, tuple[float, float]]:
    """Centroids of every municipality, from the in-memory gazetteer (no query once warm)."""
    from buddywerk.geo.places import gazetteer

    return {nis: (info.lat, info.lon) for nis, info in gazetteer().municipalities.items()}


def group_by_province(rows: Iterable[MunicipalityMeasures]) -> dict[str, list[str]]:
    result: dict[str, list[str]] = defaultdict(list)
    for row in rows:
        result[row.province_code].append(row.nis_code)
    return result
