"""The funder's report (R16): every figure per province and in total, each with its written
definition, for a scope (Flanders and Brussels, one province, one programme) and a period.

Everything is computed in the database with aggregate queries grouped by province (the
province of the programme that runs the duo, receives the referral or holds the buddy);
the number of queries does not depend on the amount of data (tests assert it). No query
returns a person: only counts, sums and averages (the median waiting time reads one number
of days per matched referral, without any identifier).
"""

import datetime as dt
import statistics
from collections import defaultdict
from dataclasses import dataclass, field, replace
from typing import Any

from django.db import connection, transaction
from django.db.models import (
    Case,
    CharField,
    Count,
    DurationField,
    Exists,
    ExpressionWrapper,
    F,
    Min,
    OuterRef,
    Q,
    QuerySet,
    Sum,
    Value,
    When,
)
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from buddywerk.buddies.models import STUDENT_KINDS, Buddy, BuddyKind, ScreeningStatus
from buddywerk.common.vocabulary import SchoolYear
from buddywerk.geo.models import Municipality, Province, Region
from buddywerk.internships.models import InstitutionPartnership
from buddywerk.organisations.models import OrganisationKind, Programme
from buddywerk.privacy.archive import count_pairs, stored_archived_figures
from buddywerk.referrals.models import (
    Referral,
    ReferralCount,
    ReferralMonth,
    ReferralStatus,
    ReferralTransition,
)
from buddywerk.referrals.rollup import WAIT_ENDS
from buddywerk.trajectories.enums import CloseReason, MeetingStatus, WellbeingMoment
from buddywerk.trajectories.models import (
    DuoMonth,
    Meeting,
    Participant,
    ParticipantMonth,
    Trajectory,
    WellbeingScore,
)

from . import places, suppression
from .periods import Period, whole_months

TOTAL = "total"
UNKNOWN = "unknown"

# Kinds of value: counts are suppressed for the funder, the others are derived figures.
COUNT = "count"
HOURS = "hours"
MEAN = "mean"
DAYS = "days"
PERCENT = "percent"
CHANGE = "change"


@dataclass(frozen=True)
class Scope:
    """Where the report looks: all of Flanders and Brussels, one province, one programme or
    one municipality (places.py says what lies in a municipality)."""

    province: Province | None = None
    programme: Programme | None = None
    municipality: Municipality | None = None

    @property
    def label(self) -> str:
        if self.municipality is not None:
            return str(self.municipality)
        if self.programme is not None:
            return str(self.programme)
        if self.province is not None:
            return str(self.province)
        return str(_("Flanders and Brussels"))

    def programme_filter(
        self, prefix: str, *, duo: str | None = None, referral: str | None = None
    ) -> Q:
        """The scope as a filter on the programme reached through `prefix`. For a
        municipality, the duo (`duo`: the path to it, "pk" for a duo itself) or the referral
        (`referral`: the path prefix to it, "" for a referral itself) lies in it, or else
        the programme at `prefix` covers it (the available buddies)."""
        if self.municipality is not None:
            code = self.municipality.pk
            if duo is not None:
                return Q(**{f"{duo}__in": places.duos_in(code)})
            if referral is not None:
                return places.participants_in(code, referral)
            return Q(**{f"{prefix}__municipalities": code})
        if self.programme is not None:
            return Q(**{f"{prefix}": self.programme.pk})
        if self.province is not None:
            return Q(**{f"{prefix}__province": self.province.pk})
        return Q()


@dataclass
class Row:
    label: str | Promise
    values: list[Any]  # one per column, the last one the total
    kind: str = COUNT
    display: list[str] = field(default_factory=list)
    # For a derived figure (a mean or a share), per column the (numerator, denominator)
    # counts it is computed from: a restricted report recomputes it from their bands.
    parts: list[tuple[float, float] | None] | None = None
    # What is published per column: the number, or the text shown instead ("<5", "x", a
    # band "10-14"). Set by `with_display`; the exports and the charts read it.
    shown: list[Any] = field(default_factory=list)


@dataclass
class Table:
    key: str
    title: str | Promise
    definition: str | Promise
    columns: list[str]
    rows: list[Row]
    # The last column is the sum of the others (for count rows), and/or the last row is
    # the sum of the rows above (for count columns): what complementary suppression protects.
    rows_add_up: bool = True
    columns_add_up: bool = False
    # Per column kinds, when the columns are measures rather than places.
    column_kinds: list[str] | None = None
    chart: str = "rows"  # "rows": bars of the total per row; "columns": first row per column

    def kind_of(self, row: Row, col: int) -> str:
        return self.column_kinds[col] if self.column_kinds else row.kind


@dataclass
class Report:
    scope: Scope
    period: Period
    tables: list[Table]
    suppressed: bool = False
    generated_at: dt.datetime = field(default_factory=timezone.now)

    def table(self, key: str) -> Table:
        return next(t for t in self.tables if t.key == key)


def _bounds(period: Period) -> tuple[dt.datetime, dt.datetime]:
    """The period as aware datetimes [start 00:00, day after end 00:00)."""
    tz = timezone.get_current_timezone()
    start = dt.datetime.combine(period.start, dt.time.min, tzinfo=tz)
    end = dt.datetime.combine(period.end + dt.timedelta(days=1), dt.time.min, tzinfo=tz)
    return start, end


def _grouped(
    qs: QuerySet[Any],
    province: Any,
    extra: tuple[str, ...] = (),
    *,
    additive: bool = False,
    **aggregates: Any,
):
    """{(province code, *extra values): {name: value}} plus the totals under TOTAL: two
    aggregate queries, whatever the number of rows. `additive`: every counted row lies in
    one province (a meeting, a duo, a referral), so the total is the sum of the provinces
    and the second query is not needed."""
    result: dict[tuple[Any, ...], dict[str, Any]] = {}
    where = F(province) if isinstance(province, str) else province
    rows = qs.values(*extra, _p=where).annotate(**aggregates).order_by()
    for row in rows:
        key = (row.pop("_p") or UNKNOWN, *(row.pop(name) for name in extra))
        result[key] = row
    if additive:
        totals: dict[tuple[Any, ...], dict[str, Any]] = {}
        for key, row in result.items():
            total = totals.setdefault((TOTAL, *key[1:]), dict.fromkeys(aggregates, 0))
            for name, value in row.items():
                total[name] += value or 0
        result.update(totals)
        if not extra and (TOTAL,) not in result:
            result[(TOTAL,)] = dict.fromkeys(aggregates, 0)
    elif extra:
        for row in qs.values(*extra).annotate(**aggregates).order_by():
            result[(TOTAL, *(row.pop(name) for name in extra))] = row
    else:
        result[(TOTAL,)] = qs.aggregate(**aggregates)
    return result


def _grouped_with_totals(
    qs: QuerySet[Any], province: Case, extra: tuple[str, ...], **aggregates: Any
):
    """As `_grouped` (non-additive, with `extra`), in one statement on PostgreSQL: the
    provinces' groups and the totals' as two grouping sets of one pass over the rows
    (issue 22: the pupils by school year read the period's participant months and their
    pupils once, not twice). A row of the totals' set has no province: the province is
    never NULL in the other set (no province is UNKNOWN there, as `_grouped` maps it). Any
    other backend, or a statement of another shape, takes `_grouped`."""
    if connection.vendor != "postgresql" or len(extra) != 1:
        return _grouped(qs, province, extra, **aggregates)
    where = Case(*province.cases, default=Value(UNKNOWN), output_field=CharField())
    rows = qs.values(*extra, _p=where).annotate(**aggregates).order_by()
    sql, params = rows.query.sql_with_params()
    head, by, grouping = sql.rpartition(" GROUP BY ")
    names = [*extra, "_p", *aggregates]
    if not by or grouping != "1, 2" or list(rows.query.values_select) != list(extra):
        return _grouped(qs, province, extra, **aggregates)
    result: dict[tuple[Any, ...], dict[str, Any]] = {}
    with connection.cursor() as cursor:
        cursor.execute(f"{head} GROUP BY GROUPING SETS ((1, 2), (1))", params)
        for values in cursor.fetchall():
            row = dict(zip(names, values, strict=True))
            key = (row.pop("_p") or TOTAL, row.pop(extra[0]))
            result[key] = row
    return result


class _Provinces:
    """The province of each programme, read once (a few dozen rows). The figures group by
    the province as a CASE over the programme's id on the counted row, so the big tables
    are not joined to the programmes and organisations just to find their province (the
    planner then walked every duo per programme: most of a query's time)."""

    def __init__(self) -> None:
        by_province: dict[str | None, list[int]] = defaultdict(list)
        self.programmes: dict[int, tuple[str, str | None]] = {}
        for pk, name, province in Programme.objects.values_list("pk", "name", "province").order_by(
            "pk"
        ):
            by_province[province].append(pk)
            self.programmes[pk] = (name, province)
        self.by_province = dict(by_province)

    def of(self, programme: str) -> Case:
        """The province code of the programme at `programme` (a path to it), NULL when it
        has none."""
        return Case(
            *(
                When(**{f"{programme}__in": ids}, then=Value(code))
                for code, ids in self.by_province.items()
                if code is not None
            ),
            default=Value(None),
            output_field=CharField(),
        )


class _Builder:
    def __init__(self, scope: Scope, period: Period, columns: list[tuple[str, str]]):
        self.scope = scope
        self.period = period
        self.keys = [key for key, _label in columns] + [TOTAL]
        self.labels = [label for _key, label in columns] + [str(_("Total"))]

    def row(self, label: Any, data: dict, name: str, kind: str = COUNT, extra=()) -> Row:
        values = []
        for key in self.keys:
            cell = data.get((key, *extra)) or {}
            values.append(cell.get(name) or 0)
        return Row(label, values, kind)

    def table(self, key: str, title: Any, definition: Any, rows: list[Row], **kw: Any) -> Table:
        return Table(key, title, definition, list(self.labels), rows, **kw)


def province_columns(scope: Scope) -> list[tuple[str, str]]:
    """The provinces the report shows (one query)."""
    if scope.province is not None:
        return [(scope.province.code, scope.province.name)]
    if scope.municipality is not None:
        # The municipality's province; a duo run by a programme of another province gets
        # that province's column too (`_add_unknown`).
        home = scope.municipality.province
        return [(home.code, home.name)]
    if scope.programme is not None:
        province = scope.programme.province
        return [(province.code, province.name)] if province else [(UNKNOWN, str(_("Unknown")))]
    served = Province.objects.filter(region__in=[Region.FLANDERS, Region.BRUSSELS])
    return [(p.code, p.name) for p in served.order_by("name")]


def _add_unknown(builder: _Builder, *datasets: dict) -> None:
    """Programmes without a province: shown in their own column rather than lost. In a
    municipality's report, a duo run by a programme of another province gets that
    province's column (one query, only then)."""
    if builder.scope.municipality is not None:
        found = {key[0] for data in datasets for key in data} - {TOTAL, UNKNOWN}
        if missing := found - set(builder.keys):
            for province in Province.objects.filter(code__in=missing).order_by("name"):
                builder.keys.insert(-1, province.code)
                builder.labels.insert(-1, province.name)
    if UNKNOWN in builder.keys:
        return
    if any(key[0] == UNKNOWN for data in datasets for key in data):
        builder.keys.insert(-1, UNKNOWN)
        builder.labels.insert(-1, str(_("Unknown")))


def build_report(scope: Scope, period: Period, *, from_rollup: bool | None = None) -> Report:
    """The report of `scope` over `period`: a fixed number of aggregate queries.

    The meeting figures and the active duos come from the rollup per duo and month
    (`DuoMonth`, kept by the meeting services) when the period is whole months, from the
    meetings otherwise; `from_rollup` forces one or the other (the equivalence tests)."""
    if from_rollup is None:
        from_rollup = whole_months(period)
    elif from_rollup and not whole_months(period):
        raise ValueError("The rollup answers whole months only.")
    with transaction.atomic():
        if connection.vendor == "postgresql":
            # PostgreSQL's JIT compiles each large aggregate before running it: 100-200 ms
            # per query here, more than the query itself. Off for this transaction only.
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL jit = off")
        return _build_report(scope, period, from_rollup=from_rollup)


def _build_report(scope: Scope, period: Period, *, from_rollup: bool) -> Report:
    start, end = period.start, period.end
    start_at, end_at = _bounds(period)
    builder = _Builder(scope, period, province_columns(scope))
    provinces = _Provinces()
    province_of = provinces.of
    # Data past its retention lives on, naming no one, in the archive (issue 15 point 3).
    # Stored apart, keyed by the archive's version: it changes far less often than the rest.
    archived = stored_archived_figures(scope, start, end)

    # --- available buddies ---------------------------------------------------------
    buddies = (
        Buddy.objects.filter(scope.programme_filter("programmes"))
        .filter(status=ScreeningStatus.APPROVED, capacity__gte=1)
        .filter(Q(screened_at__isnull=True) | Q(screened_at__lt=end_at))
        .filter(extract_seen_on__isnull=False, extract_seen_on__lte=end)
        .filter(Q(available_from__isnull=True) | Q(available_from__lte=end))
        .filter(Q(available_until__isnull=True) | Q(available_until__gte=start))
    )
    buddy_data = _grouped(buddies, "programmes__province", ("kind",), n=Count("pk", distinct=True))
    # A buddy has one kind: the buddies of a province (and in all) are the sum over the
    # kinds, not two more queries (issue 22).
    buddy_total: dict[tuple[Any, ...], dict[str, Any]] = {(TOTAL,): {"n": 0}}
    for (where, _kind), row in buddy_data.items():
        cell = buddy_total.setdefault((where,), {"n": 0})
        cell["n"] += row["n"] or 0

    # --- meetings and active duos --------------------------------------------------
    if from_rollup:
        # One row per duo and month instead of one per meeting (issue 22).
        months = DuoMonth.objects.filter(month__gte=start, month__lte=end)
        # Aggregates named apart from the rollup's columns (an aggregate named like a
        # column would shadow it in the duos' filter), renamed below.
        # The months carry their duo's programme: no duo is read (issue 22).
        meeting_data = _grouped(
            months.filter(scope.programme_filter("programme", duo="trajectory")),
            province_of("programme"),
            additive=True,
            sum_held=Sum("held"),
            sum_cancelled=Sum("cancelled"),
            sum_minutes=Sum("minutes"),
            duos=Count("trajectory", distinct=True, filter=Q(held__gt=0)),
        )
        for row in meeting_data.values():
            for name in ("held", "cancelled", "minutes"):
                row[name] = row.pop(f"sum_{name}") or 0
        held_months = months.filter(held__gt=0)
        held_in_period: QuerySet[Any] = held_months.filter(trajectory=OuterRef("trajectory"))
        active_held: QuerySet[Any] = held_months.filter(trajectory=OuterRef("pk"))
    else:
        in_period = Q(date__gte=start, date__lte=end)
        held = Q(status=MeetingStatus.HAPPENED)
        # Planned meetings are not counted (nor in the rollup): a province with only
        # planned meetings has no meeting figures, as one without any.
        meeting_data = _grouped(
            Meeting.objects.filter(in_period)
            .exclude(status=MeetingStatus.PLANNED)
            .filter(scope.programme_filter("trajectory__programme", duo="trajectory")),
            province_of("trajectory__programme"),
            additive=True,
            held=Count("pk", filter=held),
            cancelled=Count("pk", filter=Q(status=MeetingStatus.CANCELLED)),
            minutes=Sum("duration_minutes", filter=held),
            duos=Count("trajectory", distinct=True, filter=held),
        )
        held_meetings = Meeting.objects.filter(in_period, held)
        held_in_period = held_meetings.filter(trajectory=OuterRef("trajectory"))
        active_held = held_meetings.filter(trajectory=OuterRef("pk"))
    _merge(meeting_data, archived.meetings)
    active = Trajectory.objects.filter(scope.programme_filter("programme", duo="pk")).filter(
        Exists(active_held)
    )
    # The programme of each active duo (the rollup path: read with the duos' organisations
    # below, so the well-being scores need not join the duos).
    duo_programme: dict[int, int] = {}
    organisations: Any
    if from_rollup:
        # From the period's months with a meeting held, which carry their duo's buddy and
        # school: no duo is read.
        active_months = held_months.filter(scope.programme_filter("programme", duo="trajectory"))
        active_ids: QuerySet[Any] = active_months.values("trajectory")
        organisations = set()
        for duo, programme, *rest in (
            active_months.values_list(
                "trajectory",
                "programme",
                "buddy__kind",
                "buddy__training_institution",
                "school",
                "school__kind",
            )
            .order_by()
            .distinct()
        ):
            duo_programme[duo] = programme
            organisations.add((provinces.programmes[programme][1], *rest))
    else:
        active_ids = active.values("pk")
        organisations = (
            active.values_list(
                province_of("programme"),
                "buddy__kind",
                "buddy__training_institution",
                "school",
                "school__kind",
            )
            .order_by()
            .distinct()
        )
    # Distinct organisations, live and archived together: (province, organisation) pairs.
    cooperation: dict[tuple[Any, ...], dict[str, Any]] = {(TOTAL,): {}}
    # One pass over the active duos gives both sets of pairs.
    found: dict[str, set[tuple[Any, int]]] = {"institutions": set(), "schools": set()}
    for where, buddy_kind, institution, school, school_kind in organisations:
        if buddy_kind in STUDENT_KINDS and institution is not None:
            found["institutions"].add((where, institution))
        if school_kind == OrganisationKind.SCHOOL:
            found["schools"].add((where, school))
    for name, pairs in found.items():
        for province, n in count_pairs(pairs, getattr(archived, name)).items():
            cooperation.setdefault((province or UNKNOWN,), {})[name] = n
    # Issue 20, point 1: the institution-programme partnerships in force in the period
    # (recorded in the internships app): distinct institutions, and the students they send.
    partnerships = InstitutionPartnership.objects.filter(
        scope.programme_filter("programme")
    ).filter(Q(since__lte=end), Q(ended_on__isnull=True) | Q(ended_on__gte=start))
    partner_pairs = set(partnerships.values_list("programme__province", "institution"))
    for province, n in count_pairs(partner_pairs).items():
        cooperation.setdefault((province or UNKNOWN,), {})["partners"] = n
    for province, students in partnerships.values_list("programme__province", "student_count"):
        for key in ((province or UNKNOWN,), (TOTAL,)):
            cell = cooperation.setdefault(key, {})
            cell["partner_students"] = cell.get("partner_students", 0) + students

    # --- participants --------------------------------------------------------------
    participants: QuerySet[Any]
    if from_rollup:
        # The participants' months with a meeting held, each carrying the duo's programme
        # and the pupil or family: no participant, duo or pupil is read but the pupils
        # counted (for their school year) (issue 22).
        participants = ParticipantMonth.objects.filter(month__gte=start, month__lte=end).filter(
            scope.programme_filter("programme", duo="trajectory")
        )
        participant_programme = "programme"
    else:
        participants = Participant.objects.filter(
            scope.programme_filter("trajectory__programme", duo="trajectory")
        ).filter(Exists(held_in_period))
        participant_programme = "trajectory__programme"
    if from_rollup:
        # One grouping by province and school year gives both tables: a pupil has one
        # school year and a family none, so the province's pupils and families are the
        # sums over its school years (two queries instead of four).
        participant_data: dict[tuple[Any, ...], dict[str, Any]] = {(TOTAL,): {}}
        by_year: dict[tuple[Any, ...], dict[str, Any]] = {}
        for (where, year), row in _grouped_with_totals(
            participants,
            province_of(participant_programme),
            ("pupil__school_year",),
            pupils=Count("pupil", distinct=True),
            families=Count("family", distinct=True),
        ).items():
            by_year[(where, year)] = {"n": row["pupils"]}
            cell = participant_data.setdefault((where,), {})
            for name in ("pupils", "families"):
                cell[name] = cell.get(name, 0) + row[name]
    else:
        participant_data = _grouped(
            participants,
            province_of(participant_programme),
            pupils=Count("pupil", distinct=True),
            families=Count("family", distinct=True),
        )
        by_year = _grouped(
            participants.filter(pupil__isnull=False),
            province_of(participant_programme),
            ("pupil__school_year",),
            n=Count("pupil", distinct=True),
        )
    _merge(participant_data, archived.participants)
    _merge(by_year, archived.by_year)

    # --- referrals -----------------------------------------------------------------
    # Two grouped queries: the referrals themselves, and their transitions (who moved to
    # matched, declined or an end status when); waiting = submitted - ended by the end.
    referrals = Referral.objects.filter(scope.programme_filter("programme", referral="")).filter(
        submitted_at__isnull=False, submitted_at__lt=end_at
    )
    if from_rollup:
        # The moment each referral's wait ended, kept on it by the services (issue 22).
        ended_before_end: Q | Exists = Q(wait_ended_at__lt=end_at)
    else:
        ended_before_end = Exists(
            ReferralTransition.objects.filter(
                referral=OuterRef("pk"), to_status__in=WAIT_ENDS, at__lt=end_at
            )
        )
    ended_count: dict[str, Any] = (
        # Kept on the referral: counted in the same pass over the referrals.
        {"ended": Count("pk", filter=ended_before_end)} if from_rollup else {}
    )
    if from_rollup and scope.municipality is None:
        # The counts per programme and month of submission and of the end of the wait,
        # kept by the transition services: a few rows per programme and month instead of
        # every referral submitted by the end of the period (issue 22). A municipality's
        # report reads the referrals (the counts do not say where a pupil lives).
        referral_data = _grouped(
            ReferralCount.objects.filter(scope.programme_filter("programme")).filter(
                submitted__lte=end
            ),
            province_of("programme"),
            additive=True,
            # Named apart from the counts' columns (a name like a column would shadow it).
            sum_received=Sum("n", filter=Q(submitted__gte=start)),
            sum_submitted=Sum("n"),
            sum_ended=Sum("n", filter=Q(wait_ended__lte=end)),
        )
        for row in referral_data.values():
            for name in ("received", "submitted", "ended"):
                row[name] = row.pop(f"sum_{name}") or 0
    else:
        referral_data = _grouped(
            referrals,
            province_of("programme"),
            additive=True,
            received=Count("pk", filter=Q(submitted_at__gte=start_at)),
            submitted=Count("pk"),
            **ended_count,
        )
    # Ended (matched, declined, withdrawn) before the end of the period: a semi-join, each
    # referral in one province.
    ended_data = (
        {key: {"n": row.pop("ended")} for key, row in referral_data.items()}
        if from_rollup
        else _grouped(
            referrals.filter(ended_before_end),
            province_of("programme"),
            additive=True,
            n=Count("pk"),
        )
    )
    # Only the moves of the period (the history before it is in `ended` above).
    if from_rollup:
        # The months each referral was matched or declined in, kept with the moves and
        # carrying the programme: the period's rows only (issue 22).
        move_data = _grouped(
            ReferralMonth.objects.filter(month__gte=start, month__lte=end).filter(
                scope.programme_filter("programme", referral="referral__")
            ),
            province_of("programme"),
            additive=True,
            matched=Count("referral", distinct=True, filter=Q(matched=True)),
            declined=Count("referral", distinct=True, filter=Q(declined=True)),
        )
    else:
        moves = ReferralTransition.objects.filter(
            scope.programme_filter("referral__programme", referral="referral__"),
            at__gte=start_at,
            at__lt=end_at,
            to_status__in=[ReferralStatus.MATCHED, ReferralStatus.DECLINED],
        )
        move_data = _grouped(
            moves,
            province_of("referral__programme"),
            additive=True,
            matched=Count("referral", distinct=True, filter=Q(to_status=ReferralStatus.MATCHED)),
            declined=Count("referral", distinct=True, filter=Q(to_status=ReferralStatus.DECLINED)),
        )
    _merge(referral_data, archived.referrals, ("received", "submitted"))
    _merge(ended_data, {key: {"n": row["ended"]} for key, row in archived.referrals.items()})
    _merge(move_data, archived.moves)
    live_referrers = referrals.filter(
        submitted_at__gte=start_at, referrer__kind=OrganisationKind.SCHOOL
    ).values_list(province_of("programme"), "referrer")
    schools_referred = {
        province or UNKNOWN: n
        for province, n in count_pairs(
            set(live_referrers.order_by().distinct()), archived.referrers
        ).items()
    }
    for key, row in referral_data.items():
        row["schools"] = schools_referred.get(key[0], 0)
        moved = move_data.get(key) or {}
        row["matched"] = moved.get("matched") or 0
        row["declined"] = moved.get("declined") or 0
        row["waiting"] = row["submitted"] - ((ended_data.get(key) or {}).get("n") or 0)
    waits: dict[str, list[float]] = defaultdict(list)
    first_matches: QuerySet[Any]
    if from_rollup:
        first_matches = (
            Referral.objects.filter(scope.programme_filter("programme", referral=""))
            .filter(first_matched_at__gte=start_at, first_matched_at__lt=end_at)
            # The wait as one interval per referral (the database subtracts: reading two
            # timestamps per row cost more than the query).
            .values_list(
                province_of("programme"),
                ExpressionWrapper(
                    F("first_matched_at") - F("submitted_at"), output_field=DurationField()
                ),
            )
        )
    else:
        matched_in_period = ReferralTransition.objects.filter(
            to_status=ReferralStatus.MATCHED, at__gte=start_at, at__lt=end_at
        ).values("referral")
        first_matches = (
            ReferralTransition.objects.filter(
                scope.programme_filter("referral__programme", referral="referral__"),
                to_status=ReferralStatus.MATCHED,
                referral__in=matched_in_period,  # the first match of these may lie before
            )
            .values("referral")
            .annotate(first=Min("at"))
            .filter(first__gte=start_at, first__lt=end_at)
            .values_list(province_of("referral__programme"), "referral__submitted_at", "first")
        )
    for province, *moments in first_matches:
        wait = moments[0] if from_rollup else moments[1] - moments[0]
        days = wait.total_seconds() / 86400
        waits[province or UNKNOWN].append(days)
        waits[TOTAL].append(days)
    for province, seconds in archived.waits:
        waits[province or UNKNOWN].append(seconds / 86400)
        waits[TOTAL].append(seconds / 86400)

    # --- well-being ----------------------------------------------------------------
    # The scores of the active duos' participants up to the end of the period, in one
    # query (score values and internal ids only), reduced per participant here.
    # A municipality's active duos are few and already read (the rollup path): their ids,
    # not the nested subqueries of the municipality's scope, which the planner misjudges
    # without statistics (a test database: minutes for one statement on PostgreSQL).
    scored_duos = (
        sorted(duo_programme) if from_rollup and scope.municipality is not None else active_ids
    )
    scores = WellbeingScore.objects.filter(date__lte=end, trajectory__in=scored_duos).order_by(
        "participant_id", "date", "id"
    )
    live_scores: Any = (
        # The duo's programme from the active duos read above: the scores alone.
        (
            (participant, duo, duo_programme[duo], *rest)
            for participant, duo, *rest in scores.values_list(
                "participant_id", "trajectory_id", "moment", "date", "score"
            )
        )
        if from_rollup
        else scores.values_list(
            "participant_id", "trajectory_id", "trajectory__programme_id", "moment", "date", "score"
        )
    )
    wellbeing_rows, measured_duos = _wellbeing_changes(
        [
            *(
                (participant, duo, programme, *provinces.programmes[programme], *rest)
                for participant, duo, programme, *rest in live_scores
            ),
            # Archived scores carry their rank among the participant's days, not a date.
            *archived.scores,
        ]
    )
    closed = Trajectory.objects.filter(scope.programme_filter("programme", duo="pk")).filter(
        closed_on__gte=start, closed_on__lte=end
    )
    closed_data = _grouped(
        closed, province_of("programme"), ("close_reason",), additive=True, n=Count("pk")
    )
    # Every closed duo has one reason and lies in one province: the totals are sums.
    closed_total: dict[tuple[Any, ...], dict[str, Any]] = {(TOTAL,): {"n": 0}}
    for (where, _reason), row in closed_data.items():
        cell = closed_total.setdefault((where,), {"n": 0})
        cell["n"] += row["n"] or 0
    _merge(closed_data, archived.closed)
    for (province, _reason), row in archived.closed.items():
        _merge(closed_total, {(province,): row})

    _add_unknown(
        builder,
        buddy_total,
        meeting_data,
        cooperation,
        participant_data,
        referral_data,
        closed_total,
    )
    wellbeing = _wellbeing(builder, wellbeing_rows, measured_duos)
    tables = [
        builder.table(
            "buddies",
            _("Available buddies"),
            _(
                "Buddies who were approved and whose criminal-record extract had been seen by "
                "the last day of the period, with a capacity of at least one participant, "
                "whose availability overlaps the period (an approval without a recorded date "
                "counts as approved before). Counted in the province of each programme they "
                "belong to, once in the total."
            ),
            [
                *(
                    builder.row(label, buddy_data, "n", extra=(code,))
                    for code, label in BuddyKind.choices
                ),
                builder.row(_("All kinds"), buddy_total, "n"),
            ],
            columns_add_up=True,
        ),
        builder.table(
            "participants",
            _("Participants supported"),
            _(
                "Pupils and families with at least one meeting held (not cancelled, not "
                "only planned) in the period, each counted once."
            ),
            [
                builder.row(_("Pupils"), participant_data, "pupils"),
                builder.row(_("Families"), participant_data, "families"),
            ],
        ),
        builder.table(
            "school_years",
            _("Pupils supported by school year"),
            _("The pupils above, by their school year."),
            [
                *(
                    builder.row(label, by_year, "n", extra=(code,))
                    for code, label in SchoolYear.choices
                ),
                builder.row(_("All school years"), participant_data, "pupils"),
            ],
            columns_add_up=True,
        ),
        builder.table(
            "meetings",
            _("Meetings"),
            _(
                "Meetings dated in the period (the last day included): held and cancelled; "
                "the total duration of the held meetings in hours; and the mean number of "
                "held meetings per duo with at least one held meeting in the period."
            ),
            [
                builder.row(_("Held"), meeting_data, "held"),
                builder.row(_("Cancelled"), meeting_data, "cancelled"),
                _derived(
                    builder, _("Hours"), meeting_data, HOURS, lambda d: (d.get("minutes") or 0) / 60
                ),
                _derived(
                    builder,
                    _("Meetings per duo"),
                    meeting_data,
                    MEAN,
                    lambda d: (d["held"] / d["duos"]) if d.get("duos") else None,
                    parts=lambda d: (d.get("held") or 0, d.get("duos") or 0),
                ),
            ],
            chart="columns",
        ),
        builder.table(
            "cooperation",
            _("Cooperation"),
            _(
                "Teacher-training institutions with at least one student buddy in an active "
                "duo; institutions with a partnership with a programme in force in the period "
                "and the number of students they announced; schools with at least one "
                "referral submitted in the period; schools "
                "with at least one active duo. A duo is active when it held at least one "
                "meeting in the period."
            ),
            [
                builder.row(
                    _("Training institutions with active student buddies"),
                    cooperation,
                    "institutions",
                ),
                builder.row(
                    _("Training institutions in partnership with a programme"),
                    cooperation,
                    "partners",
                ),
                builder.row(
                    _("Students announced by partner institutions"),
                    cooperation,
                    "partner_students",
                ),
                builder.row(_("Schools that referred"), referral_data, "schools"),
                builder.row(_("Schools with active duos"), cooperation, "schools"),
            ],
        ),
        builder.table(
            "referrals",
            _("Referrals"),
            _(
                "Received: submitted in the period. Matched: matched with a buddy in the "
                "period. Declined: declined in the period. Waiting: submitted by the end of "
                "the period and at that moment not yet matched, declined or withdrawn. "
                "Median days: from submission to the first match, for the referrals matched "
                "in the period."
            ),
            [
                builder.row(_("Received"), referral_data, "received"),
                builder.row(_("Matched"), referral_data, "matched"),
                builder.row(_("Waiting"), referral_data, "waiting"),
                builder.row(_("Declined"), referral_data, "declined"),
                Row(
                    _("Median days from submission to match"),
                    [
                        round(statistics.median(waits[key]), 1) if waits.get(key) else None
                        for key in builder.keys
                    ],
                    DAYS,
                ),
            ],
        ),
        wellbeing[0],
        wellbeing[1],
        builder.table(
            "closed",
            _("Trajectories closed"),
            _("Duos closed in the period (by their closing date), by the reason for closing."),
            [
                *(
                    builder.row(label, closed_data, "n", extra=(code,))
                    for code, label in CloseReason.choices
                ),
                builder.row(_("All reasons"), closed_total, "n"),
            ],
            columns_add_up=True,
        ),
    ]
    return Report(scope=scope, period=period, tables=tables)


def _merge(
    live: dict[tuple[Any, ...], dict[str, Any]],
    archived: dict[tuple[Any, ...], dict[str, Any]],
    names: tuple[str, ...] | None = None,
) -> None:
    """Add the archive's counts to the live ones, cell by cell (a person, duo or referral
    is live or archived, never both, so they add up)."""
    for (province, *extra), row in archived.items():
        cell = live.setdefault((province or UNKNOWN, *extra), {})
        for name, value in row.items():
            if names is None or name in names:
                cell[name] = (cell.get(name) or 0) + (value or 0)


def _wellbeing_changes(scores: Any) -> tuple[list[tuple], dict[int, str | None]]:
    """(programme id, name, province, intake score, latest later score) per participant
    with an intake score and a later one (rows come ordered by participant and date); and
    the duos (id -> province) with a participant who has both an intake and an end
    measurement (the final score at closing is one)."""
    result: list[tuple[Any, ...]] = []
    measured: dict[int, str | None] = {}
    current, first, last, intake_date, has_end = None, None, None, None, False
    info: tuple = ()
    duo: tuple[int, str | None] = (0, None)

    def flush() -> None:
        if first is not None and last is not None:
            result.append((*info, first, last))
        if first is not None and has_end:
            measured[duo[0]] = duo[1]

    for participant, trajectory, programme, name, province, moment, day, score in scores:
        if participant != current:
            flush()
            current, first, last, intake_date, has_end = participant, None, None, None, False
            info = (programme, name, province)
            duo = (trajectory, province)
        if moment == WellbeingMoment.END:
            has_end = True
        if moment == WellbeingMoment.INTAKE:
            if first is None:
                first, intake_date = score, day
        elif first is not None and day > intake_date:
            last = score
    flush()
    return result, measured


def _derived(builder: _Builder, label: Any, data: dict, kind: str, compute, parts=None) -> Row:
    values = []
    for key in builder.keys:
        cell = data.get((key,))
        value = compute(cell) if cell else None
        values.append(round(value, 1) if value is not None else None)
    row_parts = None
    if parts is not None:
        row_parts = [parts(data[(key,)]) if data.get((key,)) else None for key in builder.keys]
    return Row(label, values, kind, parts=row_parts)


WELLBEING_DEFINITION = _(
    "Participants of a duo with at least one meeting held in the period who have an intake "
    "score and a later score on the Leuven well-being scale (1-5), both dated by the end of "
    "the period. Change: the latest score minus the intake score, averaged. Improved: the "
    "share of them whose latest score is higher than the intake score. The final score given "
    "when a duo closes is an end measurement of each of its participants. Duos measured: the "
    "duos with a participant who has both an intake and an end measurement by the end of the "
    "period."
)


def _wellbeing(
    builder: _Builder, rows: list[tuple], measured_duos: dict[int, str | None]
) -> tuple[Table, Table]:
    per_province: dict[str, list[int]] = defaultdict(list)
    per_programme: dict[int, list[int]] = defaultdict(list)
    names: dict[int, str] = {}
    for programme_id, name, province, intake, later in rows:
        change = later - intake
        per_province[province or UNKNOWN].append(change)
        per_province[TOTAL].append(change)
        per_programme[programme_id].append(change)
        names[programme_id] = name
    duos: dict[str, int] = defaultdict(int)
    for province in measured_duos.values():
        duos[province or UNKNOWN] += 1
        duos[TOTAL] += 1

    def measures(changes: list[int]) -> tuple[int, float | None, float | None]:
        if not changes:
            return 0, None, None
        improved = sum(1 for c in changes if c > 0)
        return (
            len(changes),
            round(sum(changes) / len(changes), 2),
            round(100 * improved / len(changes), 1),
        )

    def parts(changes: list[int]) -> tuple[tuple[int, int], tuple[int, int]] | None:
        """(sum of changes, n) and (improved, n): what the mean and the share rest on."""
        if not changes:
            return None
        n = len(changes)
        return (sum(changes), n), (sum(1 for c in changes if c > 0), n)

    values = [measures(per_province.get(key, [])) for key in builder.keys]
    province_parts = [parts(per_province.get(key, [])) for key in builder.keys]
    by_province = builder.table(
        "wellbeing",
        _("Well-being"),
        WELLBEING_DEFINITION,
        [
            Row(_("Participants with an intake and a later score"), [v[0] for v in values]),
            Row(
                _("Mean change"),
                [v[1] for v in values],
                CHANGE,
                parts=[p[0] if p else None for p in province_parts],
            ),
            Row(
                _("Share improved (%)"),
                [v[2] for v in values],
                PERCENT,
                parts=[p[1] if p else None for p in province_parts],
            ),
            Row(
                _("Duos with an intake and an end measurement"),
                [duos.get(key, 0) for key in builder.keys],
            ),
        ],
    )
    order = sorted(per_programme, key=lambda pk: names[pk])

    def programme_row(label: Any, changes: list[int]) -> Row:
        found = parts(changes)
        return Row(label, list(measures(changes)), parts=[None, *(found or (None, None))])

    programme_rows = [programme_row(names[pk], per_programme[pk]) for pk in order]
    programme_rows.append(programme_row(_("All programmes"), per_province.get(TOTAL, [])))
    by_programme = Table(
        "wellbeing_programmes",
        _("Well-being per programme"),
        WELLBEING_DEFINITION,
        [str(_("Participants measured")), str(_("Mean change")), str(_("Share improved (%)"))],
        programme_rows,
        rows_add_up=False,
        columns_add_up=True,
        column_kinds=[COUNT, CHANGE, PERCENT],
    )
    return by_province, by_programme


# --- display and suppression ---------------------------------------------------------

HIDDEN_SMALL = "<5"
HIDDEN_OTHER = "x"


def format_value(value: Any, kind: str) -> str:
    if value is None:
        return "–"
    if kind == COUNT:
        return f"{int(value):,}".replace(",", ".")
    if kind == PERCENT:
        return f"{value:.1f}".replace(".", ",") + " %"
    if kind == CHANGE:
        return f"{value:+.2f}".replace(".", ",")
    return f"{value:,.1f}".replace(",", " ").replace(".", ",").replace(" ", ".")


def suppress_table(table: Table) -> Table:
    """The restricted view of a table (docs/reports.md, "Differencing"): small counts as
    "<5", their complements as "x", a derived figure (mean, hours, share) hidden when the
    count it rests on is hidden; every other count shown as its band of five ("10-14"),
    hours as their band of five hours, and means and shares computed from the middles of
    the bands of the counts they rest on (hidden when the table does not say which counts
    those are), so that every count-based figure published is a function of bands."""
    grid = [row.values for row in table.rows]
    countable = [
        [table.kind_of(row, c) == COUNT for c in range(len(row.values))] for row in table.rows
    ]
    marks = suppression.suppress(
        grid,
        rows_add_up=table.rows_add_up,
        columns_add_up=table.columns_add_up,
        countable=countable,
    )
    hidden_columns = {
        c for (r, c), mark in marks.items() if table.kind_of(table.rows[r], c) == COUNT
    }
    rows = []
    for r, row in enumerate(table.rows):
        display: list[str] = []
        shown: list[Any] = []
        for c, value in enumerate(row.values):
            kind = table.kind_of(row, c)
            mark = marks.get((r, c))
            text: str | None = None
            if mark == suppression.SMALL:
                text = HIDDEN_SMALL
            elif mark == suppression.SECONDARY:
                text = HIDDEN_OTHER
            elif kind != COUNT and _rests_on_hidden(table, r, c, hidden_columns, marks):
                text = HIDDEN_OTHER
            elif value is None:
                pass
            elif kind in (COUNT, HOURS):
                text = band_text(value, kind)
            elif kind == DAYS:
                value = round(value)  # an order statistic, not a count: whole days
            elif row.parts is not None:
                value = _from_bands(row.parts[c], kind)
            else:
                text = HIDDEN_OTHER
            if text is None:
                display.append(format_value(value, kind))
                shown.append(value)
            else:
                display.append(text)
                shown.append(text)
        rows.append(replace(row, display=display, shown=shown))
    return replace(table, rows=rows)


BAND = suppression.BAND


def band_text(value: float, kind: str) -> str:
    """The band of five a count (or a number of hours) lies in: "0", "<5" (hidden before
    this is called), "5-9", "10-14", ...; hours "5-10", "10-15", ..."""
    if not value:
        return "0"
    low = suppression.band_low(value)
    high = low + BAND - (1 if kind == COUNT else 0)
    return f"{format_value(low, COUNT)}-{format_value(high, COUNT)}"


def _from_bands(parts: tuple[float, float] | None, kind: str) -> float | None:
    """A mean or share recomputed from the middles of the bands of its counts."""
    if parts is None:
        return None
    numerator, denominator = (suppression.band_middle(v) for v in parts)
    if not denominator:
        return None
    if kind == PERCENT:
        return round(100 * numerator / denominator, 1)
    if kind == CHANGE:
        return round(numerator / denominator, 2)
    return round(numerator / denominator, 1)


def _rests_on_hidden(table: Table, r: int, c: int, hidden_columns: set[int], marks: dict) -> bool:
    """A mean or share is hidden when the count of its column (province tables) or of its
    row (the per-programme table) is hidden, or rests on fewer than five."""
    if table.column_kinds:  # measures in columns: the count is the first cell of the row
        count = table.rows[r].values[0]
        return (r, 0) in marks or not count or suppression.is_small(count)
    return c in hidden_columns or any(
        suppression.is_small(row.values[c]) for row in table.rows if row.kind == COUNT
    )


def with_display(report: Report, *, suppress: bool) -> Report:
    tables = []
    for table in report.tables:
        if suppress:
            tables.append(suppress_table(table))
        else:
            rows = [
                replace(
                    row,
                    display=[
                        format_value(v, table.kind_of(row, c)) for c, v in enumerate(row.values)
                    ],
                    shown=list(row.values),
                )
                for row in table.rows
            ]
            tables.append(replace(table, rows=rows))
    return replace(report, tables=tables, suppressed=suppress)
