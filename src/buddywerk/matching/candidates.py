"""From the database to the engine's input, in a few set-based queries (ARCHITECTURE.md 6).

`build_inputs(programmes)` reads, for any number of programmes, in four queries whatever
their size: the matching settings, the open queue (referrals with their meeting place),
which buddy works with which programme, and the buddies with the number of places already
taken (participants of running duos plus open proposals) as correlated subqueries. Nothing
is read per row. A buddy who is paused or not yet approved stays in the input: the engine
reports them as blocked by `available` or `approved`, so the coordinator sees why.

Engine ids are the public uuids (strings); `MatchingInput.buddy_rows` and
`referral_rows` map them back to what the pages show.
"""

from __future__ import annotations

import datetime as dt
import json
import threading
import time
from collections import OrderedDict, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from django.db.models import Count, Exists, IntegerField, OuterRef, QuerySet, Subquery, TextField
from django.db.models.functions import Cast, Coalesce
from django.utils import timezone, translation

from buddywerk.buddies.enums import BuddyKind
from buddywerk.buddies.models import Buddy, ScreeningStatus
from buddywerk.buddies.rules import EXTRACT_VALID_MONTHS, extract_last_valid_day
from buddywerk.common.vocabulary import Sector, StudyTrack
from buddywerk.learning.models import RequiredModule
from buddywerk.learning.selectors import modules_still_to_do
from buddywerk.organisations.models import Programme
from buddywerk.referrals.models import Complexity, Referral, ReferralStatus
from buddywerk.trajectories.enums import TrajectoryStatus
from buddywerk.trajectories.models import Participant
from buddywerk.trajectories.services import default_planned_end, shortest_planned_end

from . import engine
from .enums import OPEN_STATUSES
from .models import InputVersion, ProgrammeMatchingSettings, Proposal

# The referrals a batch or a suggestion may propose a buddy for: accepted by the programme
# (trajectory_start needs it) and without an open proposal.
MATCHABLE_STATUS = ReferralStatus.ACCEPTED
# The engine knows three complexities; the referral form asks normal or complex (R3).
_COMPLEXITY = {Complexity.NORMAL: "normal", Complexity.COMPLEX: "high"}


@dataclass
class MatchingInput:
    """One programme's buddies and referrals, as the engine and the pages need them."""

    programme: Programme
    weights: engine.Weights
    proposal_days: int
    buddies: list[engine.Buddy] = field(default_factory=list)
    referrals: list[engine.Referral] = field(default_factory=list)
    buddy_rows: dict[str, dict[str, Any]] = field(default_factory=dict)
    referral_rows: dict[str, dict[str, Any]] = field(default_factory=dict)
    # solved batch previews per language (selectors.batch_preview), valid as long as this
    # input is: a cached input is dropped as soon as its version changes
    previews: dict[str, Any] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    @cached_property
    def problem(self) -> engine.Problem:
        return engine.Problem(self.buddies, self.referrals, self.weights)


def settings_for(programme: Programme) -> ProgrammeMatchingSettings:
    """The programme's settings, or unsaved defaults (one query)."""
    found = ProgrammeMatchingSettings.objects.filter(programme=programme).first()
    return found or ProgrammeMatchingSettings(programme=programme)


def places_taken() -> dict[str, Any]:
    """Annotations for a Buddy queryset: participants in running duos and open proposals."""
    in_duos = (
        Participant.objects.filter(trajectory__buddy=OuterRef("pk"))
        .exclude(trajectory__status=TrajectoryStatus.CLOSED)
        .order_by()
        .values("trajectory__buddy")
        .annotate(n=Count("pk"))
        .values("n")
    )
    proposed = (
        Proposal.objects.filter(buddy=OuterRef("pk"), status__in=OPEN_STATUSES)
        .order_by()
        .values("buddy")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return {
        "in_duos": Coalesce(Subquery(in_duos, output_field=IntegerField()), 0),
        "proposed": Coalesce(Subquery(proposed, output_field=IntegerField()), 0),
    }


def matchable_referrals(qs: QuerySet[Referral] | None = None) -> QuerySet[Referral]:
    """Accepted referrals without an open proposal: the queue a batch works on."""
    qs = Referral.objects.all() if qs is None else qs
    return qs.filter(status=MATCHABLE_STATUS).exclude(
        Exists(Proposal.objects.filter(referral=OuterRef("pk"), status__in=OPEN_STATUSES))
    )


_REFERRAL_FIELDS = (
    "id",
    "uuid",
    "programme_id",
    "status",
    "urgency",
    "complexity",
    "needs",
    "meeting_modes",
    "time_slots",
    "submitted_at",
    "pupil_id",
    "family_id",
    "pupil__uuid",  # the audit target of a page naming the participant (common/audit.py)
    "family__uuid",
    "referrer__name",
    "pupil__first_name",
    "pupil__last_name",
    "pupil__school_year",
    "pupil__home_languages",
    "pupil__school__postcode__lat",
    "pupil__school__postcode__lon",
    "family__contact_name",
    "family__languages",
    "family__contact_language",
    "family__children_ages",
    "family__postcode__lat",
    "family__postcode__lon",
    "study_track",  # issue 21
    "dream_sector",
    "role_model_tags",
)
_BUDDY_FIELDS = (
    "id",
    "uuid",
    "status",
    "is_paused",
    "capacity",
    "level",
    "extract_seen_on",
    "meeting_modes",
    "online_only",
    "slots",
    "languages",
    "competences",
    "travel_radius_km",
    "available_from",
    "available_until",
    "home_postcode__lat",
    "home_postcode__lon",
    "home_postcode__code",
    "user__first_name",
    "user__last_name",
    "user__email",
    "in_duos",
    "proposed",
    "kind",  # issue 21
    "sector",
)


_BUDDY_JSON = (
    "meeting_modes",
    "slots",
    "languages",
    "competences",
    "path_tracks",
    "path_tags",
)


def engine_texts(lang: str) -> engine.Texts:
    """The engine's sentences with the vocabulary's translated sector and track names
    (issue 21; a programme's path tags are its own words)."""
    with translation.override("en" if lang == "en" else "nl-be"):
        return engine.Texts(
            lang=lang,
            sectors={code: str(label).lower() for code, label in Sector.choices},
            tracks={code: str(label) for code, label in StudyTrack.choices},
        )


def _with_json(
    qs: QuerySet[Any], fields: tuple[str, ...], json_fields: tuple[str, ...]
) -> list[dict[str, Any]]:
    """`qs.values(*fields)` with the JSON fields read as text and decoded in ONE
    json.loads call for all rows: decoding 8,000 buddies' four lists one by one costs
    more than the query itself."""
    plain = [f for f in fields if f not in json_fields]
    texts = {f"{name}__text": Cast(name, TextField()) for name in json_fields}
    rows = list(qs.annotate(**texts).values(*plain, *texts))
    raw = [row.pop(f"{name}__text") for row in rows for name in json_fields]
    decoded = iter(json.loads("[" + ",".join(t if t is not None else "null" for t in raw) + "]"))
    for row in rows:
        for name in json_fields:
            row[name] = next(decoded)
    return rows


def to_engine_referral(
    row: dict[str, Any], today: dt.date, programme: Programme | None = None
) -> engine.Referral:
    """A referral as the engine sees it: met at school (pupil) or at home (family), R8."""
    if row["pupil_id"]:
        lat, lon = row["pupil__school__postcode__lat"], row["pupil__school__postcode__lon"]
        home, contact, minor = row["pupil__home_languages"] or [], None, True
    else:
        lat, lon = row["family__postcode__lat"], row["family__postcode__lon"]
        home = row["family__languages"] or []
        contact = row["family__contact_language"] or None
        minor = any(isinstance(a, int) and a < 18 for a in row["family__children_ages"] or [])
    return engine.Referral(
        id=str(row["uuid"]),
        lat=lat,
        lon=lon,
        # a duo-only mode (a workplace visit) is never a matching preference
        modes=frozenset(row["meeting_modes"] or []) & set(engine.MODES),
        slots=frozenset(row["time_slots"] or []),
        needs=frozenset(row["needs"] or []),
        minor=minor,
        urgency=int(row["urgency"]),
        complexity=_COMPLEXITY.get(row["complexity"], "normal"),
        contact_language=contact,
        home_languages=frozenset(home) - {"nl"},
        start=today,  # the duo would start now: the buddy must be available today
        # R2 over time: the extract must count until the default planned end (R7)
        planned_end=default_planned_end(for_family=not row["pupil_id"], planned_start=today),
        # issue 21: what the referral asked (the service accepts only what the programme asks)
        sector=row["dream_sector"] or None,
        track=row["study_track"] or None,
        tags=frozenset(row["role_model_tags"] or []),
        # issue 13: the buddy stays available at least until the shortest duo allowed
        shortest_end=(
            shortest_planned_end(
                programme=programme, for_family=not row["pupil_id"], planned_start=today
            )
            if programme is not None
            else None
        ),
    )


def to_engine_buddy(
    row: dict[str, Any],
    programme: Programme | None = None,
    missing_modules: tuple[list[Any], list[Any]] = ([], []),
) -> engine.Buddy:
    modes = set(row["meeting_modes"] or [])
    if row["online_only"]:
        modes = {"online"}
    if row["home_postcode__lat"] is None:  # without a home, the buddy can only meet online
        modes &= {"online"}
    return engine.Buddy(
        id=str(row["uuid"]),
        lat=row["home_postcode__lat"] or 0.0,
        lon=row["home_postcode__lon"] or 0.0,
        radius_km=float(row["travel_radius_km"] or 0),
        capacity=int(row["capacity"]),
        modes=frozenset(modes & set(engine.MODES)),
        slots=frozenset(row["slots"] or []),
        languages=frozenset(row["languages"] or []),
        competences=frozenset(row["competences"] or []),
        level=row["level"] if row["level"] in engine.LEVELS else "junior",
        screened=row["status"] == ScreeningStatus.APPROVED and row["extract_seen_on"] is not None,
        screened_until=(
            extract_last_valid_day(
                row["extract_seen_on"],
                programme.extract_valid_months if programme else EXTRACT_VALID_MONTHS,
            )
            if row["extract_seen_on"]
            else None
        ),
        approved=row["status"] == ScreeningStatus.APPROVED,
        available=not row["is_paused"],
        available_from=row["available_from"],
        available_until=row["available_until"],
        active=int(row["in_duos"]) + int(row["proposed"]),
        # issue 13, point 4: the programme's required modules the buddy has not done
        missing_modules=frozenset(m.title for m in missing_modules[0]),
        missing_minor_modules=frozenset(m.title for m in missing_modules[1]),
        # issue 21: what a mentor or role model stated themselves, per kind
        sector=(row["sector"] or None) if row["kind"] == BuddyKind.SECTOR_MENTOR else None,
        tracks=frozenset(row["path_tracks"] or [])
        if row["kind"] == BuddyKind.ROLE_MODEL
        else frozenset(),
        tags=frozenset(row["path_tags"] or [])
        if row["kind"] == BuddyKind.ROLE_MODEL
        else frozenset(),
    )


def build_inputs(
    programmes: Iterable[Programme],
    *,
    referrals: QuerySet[Referral] | None = None,
    buddy_ids: Iterable[int] | None = None,
    today: dt.date | None = None,
) -> dict[int, MatchingInput]:
    """Engine input per programme: five queries, whatever the number of rows (and three
    more per programme that requires modules).

    `referrals` narrows the queue (default: every matchable referral of the programmes);
    `buddy_ids` narrows the buddies (the services re-check a few
    pairs under lock).
    """
    programmes = list(programmes)
    today = today or timezone.localdate()
    by_id = {p.pk: p for p in programmes}
    settings = {
        s.programme_id: s for s in ProgrammeMatchingSettings.objects.filter(programme_id__in=by_id)
    }
    inputs: dict[int, MatchingInput] = {}
    for pk, programme in by_id.items():
        own = settings.get(pk) or ProgrammeMatchingSettings(programme=programme)
        inputs[pk] = MatchingInput(programme, own.weights(), own.proposal_days)
    queue = matchable_referrals(referrals).filter(programme_id__in=by_id)
    for row in queue.order_by("submitted_at", "id").values(*_REFERRAL_FIELDS):
        target = inputs[row["programme_id"]]
        target.referrals.append(to_engine_referral(row, today, target.programme))
        target.referral_rows[str(row["uuid"])] = row
    memberships = Buddy.programmes.through.objects.filter(programme_id__in=by_id)
    if buddy_ids is not None:
        memberships = memberships.filter(buddy_id__in=list(buddy_ids))
    programmes_of: dict[int, list[int]] = defaultdict(list)
    for buddy_id, programme_id in memberships.values_list("buddy_id", "programme_id"):
        programmes_of[buddy_id].append(programme_id)
    rows = _with_json(
        Buddy.objects.filter(pk__in=memberships.values("buddy_id"))
        .exclude(status=ScreeningStatus.DECLINED)
        .annotate(**places_taken())
        .order_by("id"),
        _BUDDY_FIELDS,
        _BUDDY_JSON,
    )
    ids_by_programme: dict[int, list[int]] = defaultdict(list)
    for row in rows:
        for programme_id in programmes_of[row["id"]]:
            ids_by_programme[programme_id].append(row["id"])
    requiring = set(
        RequiredModule.objects.filter(programme_id__in=by_id).values_list("programme_id", flat=True)
    )
    to_do: dict[int, dict[int, tuple[list[Any], list[Any]]]] = defaultdict(dict)
    for pk in requiring:
        to_do[pk] = modules_still_to_do(buddy_ids=ids_by_programme[pk], programme=by_id[pk])
    for row in rows:
        for programme_id in programmes_of[row["id"]]:
            # the extract counts for as long as each programme says (issue 13), and each
            # programme requires its own modules
            buddy = to_engine_buddy(
                row, by_id[programme_id], to_do[programme_id].get(row["id"], ([], []))
            )
            inputs[programme_id].buddies.append(buddy)
            inputs[programme_id].buddy_rows[buddy.id] = row
    return inputs


def programme_input(programme: Programme, **kwargs: Any) -> MatchingInput:
    """One programme's engine input (see `build_inputs`)."""
    return build_inputs([programme], **kwargs)[programme.pk]


def region_inputs(province_codes: Iterable[str]) -> list[MatchingInput]:
    """Every programme of the provinces, each with its own queue and buddies: a buddy only
    takes referrals of a programme they work with (trajectory_start checks it too)."""
    programmes = Programme.objects.filter(province_id__in=list(province_codes)).order_by("name")
    return list(build_inputs(programmes).values())


# --- A cache for the suggestion and batch pages ----------------------------------------
#
# Reading 8,000 buddies and building the engine's arrays takes most of a second; one
# suggestion inside the engine takes a few milliseconds. The pages therefore reuse a
# programme's input while nothing it depends on changed: the key holds the programme's
# `InputVersion` counter, which signals.py raises whenever a buddy, membership, referral,
# pupil, family, proposal, duo, participant or the weights are saved, and when buddies are
# written in bulk (buddies.signals.buddies_written: the importer, the anonymisation); one
# indexed read per page. An entry lives at most CACHE_SECONDS, for any other change that
# skips `save()` (a queryset update, bulk_create). Only pages read it: every write
# (proposals_create) re-reads fresh rows under row locks.

CACHE_SECONDS = 60
CACHE_SIZE = 8
_cache: OrderedDict[tuple[Any, ...], tuple[float, MatchingInput]] = OrderedDict()
_cache_lock = threading.Lock()


def input_version(programme: Programme) -> int:
    """The programme's input counter (one indexed read; the first time it creates it)."""
    found = (
        InputVersion.objects.filter(programme_id=programme.pk)
        .values_list("counter", flat=True)
        .first()
    )
    if found is None:
        found = InputVersion.objects.get_or_create(programme_id=programme.pk)[0].counter
    return found


def cached_programme_input(programme: Programme) -> MatchingInput:
    """`programme_input` for the suggestion pages, reused while its version holds."""
    key = (programme.pk, timezone.localdate(), input_version(programme))
    now = time.monotonic()
    with _cache_lock:
        hit = _cache.get(key)
        if hit is not None and now - hit[0] < CACHE_SECONDS:
            _cache.move_to_end(key)
            return hit[1]
    data = programme_input(programme)
    data.problem  # noqa: B018 - build the arrays once, outside the lock
    with _cache_lock:
        _cache[key] = (now, data)
        while len(_cache) > CACHE_SIZE:
            _cache.popitem(last=False)
    return data


def facing(data: MatchingInput, referral_pk: int) -> MatchingInput:
    """The input's buddies facing one referral of its programme, whatever the referral's
    state: the suggestion page of a referral outside the queue (one with an open proposal,
    or not accepted yet). One query; the buddy side is shared with `data`, arrays included
    (engine.Problem.with_referrals), so a cached queue serves every referral's page."""
    row = (
        Referral.objects.filter(pk=referral_pk, programme_id=data.programme.pk)
        .values(*_REFERRAL_FIELDS)
        .get()
    )
    referral = to_engine_referral(row, timezone.localdate(), data.programme)
    alone = MatchingInput(
        data.programme,
        data.weights,
        data.proposal_days,
        buddies=data.buddies,
        referrals=[referral],
        buddy_rows=data.buddy_rows,
        referral_rows={referral.id: row},
    )
    alone.problem = data.problem.with_referrals([referral])
    return alone


def cache_clear() -> None:
    with _cache_lock:
        _cache.clear()
