"""The archive's part of the funder's report (issue 15 point 3).

`archived_figures(scope, period)` answers, from the archive's rows, the same figures the
report computes from live rows, in the same shapes (reports/figures.py adds them up). A
person, duo or referral is either live or archived, never both, so counts add up; the
figures that count distinct organisations (schools, training institutions) come as
(province, organisation) pairs, joined with the live pairs before counting.

The archive knows months, not days: it counts the months that lie wholly inside the
period, which for the report's periods (whole months: school years, the interim and final
reports, every restricted report) is exactly what the live rows gave.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.core.cache import cache
from django.db.models import Count, Exists, F, OuterRef, Q, Sum

from buddywerk.buddies.models import STUDENT_KINDS
from buddywerk.organisations.models import OrganisationKind
from buddywerk.referrals.enums import ReferralStatus

from .archive_models import (
    ArchivedDuo,
    ArchivedDuoMonth,
    ArchivedParticipation,
    ArchivedPersonKind,
    ArchivedReferral,
    ArchivedReferralMove,
    ArchivedScore,
)

Grouped = dict[tuple[Any, ...], dict[str, Any]]
Pairs = set[tuple[str | None, int]]


@dataclass
class ArchivedFigures:
    meetings: Grouped = field(default_factory=dict)  # held, cancelled, minutes, duos
    participants: Grouped = field(default_factory=dict)  # pupils, families
    by_year: Grouped = field(default_factory=dict)  # (province, school year): n
    referrals: Grouped = field(default_factory=dict)  # received, submitted, ended
    moves: Grouped = field(default_factory=dict)  # matched, declined
    closed: Grouped = field(default_factory=dict)  # (province, reason): n
    waits: list[tuple[str | None, float]] = field(default_factory=list)
    # (participant, duo, programme, name, province, moment, rank, score), ordered
    scores: list[tuple[Any, ...]] = field(default_factory=list)
    institutions: Pairs = field(default_factory=set)  # of active duos' student buddies
    schools: Pairs = field(default_factory=set)  # with an active duo
    referrers: Pairs = field(default_factory=set)  # schools that referred in the period


def month_range(start: dt.date, end: dt.date) -> tuple[dt.date, dt.date]:
    """The first and the last month (as first days) lying wholly inside [start, end]; an
    empty range (first > last) when there is none."""
    first = (
        start if start.day == 1 else (start.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
    )
    last = (end + dt.timedelta(days=1)).replace(day=1)
    last = (last - dt.timedelta(days=1)).replace(day=1)
    return first, last


def _add(result: Grouped, province: str | None, extra: tuple[Any, ...], row: dict) -> None:
    for key in ((province, *extra), ("total", *extra)):
        cell = result.setdefault(key, {})
        for name, value in row.items():
            cell[name] = (cell.get(name) or 0) + (value or 0)


def _group(qs: Any, province: str, extra: tuple[str, ...] = (), **aggregates: Any) -> Grouped:
    """Like figures._grouped for rows that each lie in one province (everything in the
    archive: a duo, a participation, a referral): the total is the sum of the provinces.
    Keys use None for a programme without a province; the caller maps it."""
    result: Grouped = {}
    for row in qs.values(*extra, _p=F(province)).annotate(**aggregates).order_by():
        key_extra = tuple(row.pop(name) for name in extra)
        _add(result, row.pop("_p"), key_extra, row)
    return result


def _duos(scope: Any, duo: str) -> Q:
    """The scope as a filter on archived duos reached through `duo` ("pk" for a duo
    itself): for a city, the duos with a participant of the municipality, as the live
    figures count them (reports/places.py); otherwise by the duo's programme."""
    if scope.municipality is not None:
        here = ArchivedParticipation.objects.filter(person__municipality=scope.municipality.pk)
        return Q(**{f"{duo}__in": here.values("duo_id")})
    return scope.programme_filter("programme" if duo == "pk" else f"{duo}__programme")


def _referrals(scope: Any, referral: str) -> Q:
    """The scope as a filter on archived referrals reached through `referral` ("" for a
    referral itself): for a city, the person's municipality, as the live figures."""
    if scope.municipality is not None:
        return Q(**{f"{referral}municipality": scope.municipality.pk})
    return scope.programme_filter(f"{referral}programme")


STORE_PREFIX = "archived-figures"
STORE_TIMEOUT = 7 * 24 * 3600


def archive_key(scope: Any, first: dt.date, last: dt.date, version: int) -> str:
    """The cache key of the archive's figures of `scope` over the months [first, last]
    (the archive knows months only) with part 0 of the report's input at `version`."""
    raw = repr(
        (
            scope.province.pk if scope.province is not None else None,
            scope.programme.pk if scope.programme is not None else None,
            scope.municipality.pk if scope.municipality is not None else None,
            first.isoformat(),
            last.isoformat(),
            version,
        )
    )
    return f"{STORE_PREFIX}:{hashlib.sha256(raw.encode()).hexdigest()}"


def stored_archived_figures(scope: Any, start: dt.date, end: dt.date) -> ArchivedFigures:
    """`archived_figures(scope, start, end)`, computed once per version of what it reads
    (issue 17, point 4): two queries instead of about fifteen.

    The archive's rows change only when the purge or the erasure writes them
    (purge._archive), which raises part 0 of the report's input counters
    (reports/input_version.py) in the same transaction, before its writes. Part 0 also
    covers what the archive's figures read besides the archive: a programme's province,
    the places, the organisations. So the figures are stored under part 0's counter: a
    meeting logged (a programme's part) leaves them valid; an archive write makes the
    stored entry obsolete at once (its key names the old counter)."""
    from buddywerk.reports import input_version

    first, last = month_range(start, end)
    if first > last:
        return ArchivedFigures()
    key = archive_key(scope, first, last, input_version.archive_version())
    found = cache.get(key)
    if isinstance(found, ArchivedFigures):
        return found
    figures = archived_figures(scope, start, end)
    cache.set(key, figures, STORE_TIMEOUT)
    return figures


def archived_figures(scope: Any, start: dt.date, end: dt.date) -> ArchivedFigures:
    """The archive's figures for `scope` (reports.figures.Scope) over [start, end]."""
    first, last = month_range(start, end)
    figures = ArchivedFigures()
    # Every archived person came with a referral: no archived referral, an empty archive.
    if first > last or not ArchivedReferral.objects.exists():
        return figures
    months = ArchivedDuoMonth.objects.filter(month__gte=first, month__lte=last)
    held_months = months.filter(held__gt=0)
    figures.meetings = _group(
        months.filter(_duos(scope, "duo")),
        "duo__programme__province",
        sum_held=Sum("held"),
        sum_cancelled=Sum("cancelled"),
        sum_minutes=Sum("minutes"),
        duos=Count("duo", distinct=True, filter=Q(held__gt=0)),
    )
    # Named apart from the columns (an aggregate named like a column shadows it).
    for row in figures.meetings.values():
        for name in ("held", "cancelled", "minutes"):
            row[name] = row.pop(f"sum_{name}") or 0
    active = ArchivedDuo.objects.filter(_duos(scope, "pk")).filter(
        Exists(held_months.filter(duo=OuterRef("pk")))
    )
    figures.institutions = set(
        active.filter(buddy_kind__in=STUDENT_KINDS, training_institution__isnull=False)
        .values_list("programme__province", "training_institution")
        .distinct()
    )
    figures.schools = set(
        active.filter(school__kind=OrganisationKind.SCHOOL)
        .values_list("programme__province", "school")
        .distinct()
    )
    participations = ArchivedParticipation.objects.filter(_duos(scope, "duo")).filter(
        Exists(held_months.filter(duo=OuterRef("duo")))
    )
    figures.participants = _group(
        participations,
        "duo__programme__province",
        pupils=Count("person", distinct=True, filter=Q(person__kind=ArchivedPersonKind.PUPIL)),
        families=Count("person", distinct=True, filter=Q(person__kind=ArchivedPersonKind.FAMILY)),
    )
    figures.by_year = _group(
        participations.filter(person__kind=ArchivedPersonKind.PUPIL),
        "duo__programme__province",
        ("person__school_year",),
        n=Count("person", distinct=True),
    )

    referrals = ArchivedReferral.objects.filter(_referrals(scope, "")).filter(
        submitted_month__isnull=False, submitted_month__lte=last
    )
    figures.referrals = _group(
        referrals,
        "programme__province",
        received=Count("pk", filter=Q(submitted_month__gte=first)),
        submitted=Count("pk"),
        ended=Count("pk", filter=Q(ended_month__isnull=False, ended_month__lte=last)),
    )
    figures.referrers = set(
        referrals.filter(submitted_month__gte=first, referrer__kind=OrganisationKind.SCHOOL)
        .values_list("programme__province", "referrer")
        .distinct()
    )
    figures.moves = _group(
        ArchivedReferralMove.objects.filter(_referrals(scope, "referral__")).filter(
            month__gte=first, month__lte=last
        ),
        "referral__programme__province",
        matched=Count("referral", distinct=True, filter=Q(to_status=ReferralStatus.MATCHED)),
        declined=Count("referral", distinct=True, filter=Q(to_status=ReferralStatus.DECLINED)),
    )
    figures.waits = [
        (province, seconds)
        for province, seconds in ArchivedReferral.objects.filter(_referrals(scope, ""))
        .filter(matched_month__gte=first, matched_month__lte=last, wait_seconds__isnull=False)
        .values_list("programme__province", "wait_seconds")
        if seconds is not None
    ]
    figures.scores = [
        (("archived", participation), ("archived", duo), *rest)
        for participation, duo, *rest in ArchivedScore.objects.filter(
            month__lte=last, participation__duo__in=active.values("pk")
        )
        .order_by("participation_id", "rank", "id")
        .values_list(
            "participation_id",
            "participation__duo_id",
            "participation__duo__programme_id",
            "participation__duo__programme__name",
            "participation__duo__programme__province",
            "moment",
            "rank",
            "score",
        )
    ]
    closed = ArchivedDuo.objects.filter(_duos(scope, "pk")).filter(
        closed_month__gte=first, closed_month__lte=last
    )
    figures.closed = _group(closed, "programme__province", ("close_reason",), n=Count("pk"))
    return figures


def count_pairs(*pair_sets: Iterable[tuple[str | None, int]]) -> dict[str | None, int]:
    """Distinct organisations per province and in total ("total") over several sets of
    (province, organisation) pairs."""
    per_province: dict[str | None, set[int]] = defaultdict(set)
    for pairs in pair_sets:
        for province, organisation in pairs:
            per_province[province].add(organisation)
            per_province["total"].add(organisation)
    return {province: len(found) for province, found in per_province.items()}
