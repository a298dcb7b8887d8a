"""The figures on each role's home page. Each function runs a fixed number of queries,
whatever the amount of data (no query per row): aggregates, and the coordinator's running
duos, counted from the rows the check-in to-do item reads anyway. Charts are SVG drawn on
the server with the same numbers in a table behind them."""

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Exists, OuterRef, Q
from django.db.models.functions import TruncWeek
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.safestring import SafeString
from django.utils.translation import gettext_lazy as _

from buddywerk.access import policy
from buddywerk.access.models import Role, User
from buddywerk.buddies.models import Buddy, ScreeningStatus
from buddywerk.buddies.todo import screening_figures
from buddywerk.common.models import AuditEvent
from buddywerk.geo.models import Municipality
from buddywerk.organisations.models import Organisation, Programme, School
from buddywerk.referrals.models import Pupil, Referral, ReferralStatus
from buddywerk.referrals.selectors import queue_figures
from buddywerk.referrals.workflow import QUEUE_STATUSES
from buddywerk.trajectories.enums import MeetingStatus
from buddywerk.trajectories.models import Meeting, Participant
from buddywerk.trajectories.selectors import open_concerns_summary, running_duos_coordinated

from . import places
from .charts import Bar, bar_chart
from .figures import COUNT, band_text
from .periods import school_year_of

# Funder figures below this are shown as "<5" (small cells could identify a child).
SMALL_CELL = 5


@dataclass(frozen=True)
class Figure:
    label: str | Promise
    value: int | str
    help: str | Promise = ""


@dataclass(frozen=True)
class DataTable:
    """The numbers behind a chart (or a small table of its own)."""

    caption: str | Promise
    headers: list[str | Promise]
    rows: list[list[Any]]
    chart: SafeString | None = None


@dataclass(frozen=True)
class Panel:
    title: str | Promise
    figures: list[Figure]
    tables: list[DataTable] = field(default_factory=list)
    link: tuple[str, str | Promise] | None = None


def _chart_table(
    key: str, caption: Any, headers: list[Any], rows: list[list[Any]], *, column: int = 1
) -> DataTable:
    """A table with a bar chart of one of its columns."""
    bars = [
        Bar(
            str(row[0]),
            float(row[column]) if isinstance(row[column], int) else 0.0,
            str(row[column]),
        )
        for row in rows
    ]
    return DataTable(caption, headers, rows, bar_chart(str(caption), bars, chart_id=key))


OPEN_STATUSES = [ReferralStatus.SUBMITTED, ReferralStatus.ACCEPTED, ReferralStatus.WAITING]


def suppress(value: int) -> int | str:
    """The funder's figures as in a restricted report (docs/reports.md): "<5", or the band
    of five. "This school year up to today" changes every day: exact counts on two days
    in a row would single out what happened in between."""
    if 0 < value < SMALL_CELL:
        return "<5"
    return band_text(value, COUNT) if value else 0


def buddy_panel(user: Any) -> Panel:
    buddy = Buddy.objects.filter(user=user).annotate(n_programmes=Count("programmes")).first()
    if buddy is None:
        return Panel(_("My buddy profile"), [Figure(_("Programmes"), 0)])
    return Panel(
        _("My buddy profile"),
        [
            Figure(_("Programmes"), buddy.n_programmes),
            Figure(_("Screening"), str(buddy.get_status_display())),
            Figure(_("Participants I can take"), buddy.capacity),
        ],
    )


def school_panel(user: Any) -> Panel:
    schools = policy.organisation_ids(user, Role.SCHOOL_STAFF)
    pupils = Pupil.objects.filter(school_id__in=schools).count()
    counts = Referral.objects.filter(referrer_id__in=schools).aggregate(
        open=Count("pk", filter=Q(status__in=OPEN_STATUSES)),
        matched=Count("pk", filter=Q(status=ReferralStatus.MATCHED)),
        draft=Count("pk", filter=Q(status=ReferralStatus.DRAFT)),
    )
    today = timezone.localdate()
    meetings = Meeting.objects.filter(
        trajectory__school_id__in=schools,
        status=MeetingStatus.HAPPENED,
        date__gte=today.replace(day=1),
        date__lte=today,
    ).count()
    by_status = dict(
        Referral.objects.filter(referrer_id__in=schools)
        .values_list("status")
        .annotate(n=Count("pk"))
        .order_by()
    )
    rows = [[label, by_status.get(code, 0)] for code, label in ReferralStatus.choices]
    return Panel(
        _("My school"),
        [
            Figure(_("Pupils"), pupils),
            Figure(_("Referrals waiting for a buddy"), counts["open"]),
            Figure(_("Pupils with a buddy"), counts["matched"]),
            Figure(_("Draft referrals"), counts["draft"]),
            Figure(_("Meetings held this month"), meetings),
        ],
        [
            _chart_table(
                "chart-school-referrals",
                _("My referrals by status"),
                [_("Status"), _("Referrals")],
                rows,
            )
        ],
    )


def service_panel(user: Any) -> Panel:
    """Issue 20, point 3: the staff of a service see the families it referred."""
    services = policy.service_ids(user)
    families = Referral.objects.filter(referrer_id__in=services, family__isnull=False)
    counts = families.aggregate(
        open=Count("pk", filter=Q(status__in=OPEN_STATUSES)),
        matched=Count("pk", filter=Q(status=ReferralStatus.MATCHED)),
        draft=Count("pk", filter=Q(status=ReferralStatus.DRAFT)),
    )
    today = timezone.localdate()
    meetings = Meeting.objects.filter(
        trajectory__school_id__in=services,
        status=MeetingStatus.HAPPENED,
        date__gte=today.replace(day=1),
        date__lte=today,
    ).count()
    return Panel(
        _("My service"),
        [
            Figure(_("Families referred"), families.values("family_id").distinct().count()),
            Figure(_("Referrals waiting for a buddy"), counts["open"]),
            Figure(_("Families with a buddy"), counts["matched"]),
            Figure(_("Draft referrals"), counts["draft"]),
            Figure(_("Meetings held this month"), meetings),
        ],
        link=(reverse("organisations:my_service"), _("Open my service's page")),
    )


def coordinator_panel(user: Any) -> Panel:
    programmes = policy.organisation_ids(user, Role.PROGRAMME_COORDINATOR)
    buddies = screening_figures(user)
    queue = queue_figures(user=user)
    # calendar days in Belgian time, as Referral.waiting_days counts them
    oldest = queue.oldest
    longest = (timezone.localdate() - timezone.localdate(oldest)).days if oldest else 0
    # The check-in to-do item reads the same running duos: once for the page.
    active = len(running_duos_coordinated(user=user))
    weeks = meetings_per_week(programmes, timezone.localdate())
    # The same concerns as the open-concerns panel and the to-do item: read once.
    concerns = open_concerns_summary(user)
    return Panel(
        _("My programme"),
        [
            Figure(_("Referrals in the queue"), queue.waiting),
            Figure(_("Longest wait in the queue (days)"), longest),
            Figure(_("Active duos"), active),
            Figure(_("Open concerns"), concerns.total),
            Figure(_("Urgent open concerns"), concerns.urgent),
            Figure(_("Buddies to screen"), buddies["applied"]),
            Figure(_("Approved buddies"), buddies["approved"]),
            Figure(_("Approved buddies without extract"), buddies["no_extract"]),
        ],
        [
            _chart_table(
                "chart-meetings-per-week",
                _("Meetings held per week (last 8 weeks)"),
                [_("Week of"), _("Meetings held")],
                weeks,
            )
        ],
    )


WEEKS = 8


def meetings_per_week(programmes: Any, today: dt.date) -> list[list[Any]]:
    """Held meetings of the programmes per week (Monday), the last eight weeks: one query."""
    first = today - dt.timedelta(days=today.weekday() + 7 * (WEEKS - 1))
    counts = {
        (week.date() if isinstance(week, dt.datetime) else week): n
        for week, n in Meeting.objects.filter(
            trajectory__programme_id__in=programmes,
            status=MeetingStatus.HAPPENED,
            date__gte=first,
            date__lte=today,
        )
        .annotate(week=TruncWeek("date"))
        .values_list("week")
        .annotate(n=Count("pk"))
        .order_by()
    }
    days = [first + dt.timedelta(weeks=i) for i in range(WEEKS)]
    return [[day.strftime("%d/%m"), counts.get(day, 0)] for day in days]


def regional_panel(user: Any) -> Panel:
    regions = Organisation.objects.filter(
        pk__in=policy.organisation_ids(user, Role.REGIONAL_COORDINATOR)
    ).values("province")
    programmes = Programme.objects.filter(municipalities__province__in=regions).distinct()
    names = list(programmes.order_by("name").values_list("name", flat=True))
    return Panel(
        _("My province"),
        [
            Figure(_("Programmes"), len(names)),
            Figure(_("Schools"), School.objects.filter(municipality__province__in=regions).count()),
            Figure(
                _("Approved buddies"),
                Buddy.objects.filter(programmes__in=programmes, status=ScreeningStatus.APPROVED)
                .distinct()
                .count(),
            ),
        ],
        [
            DataTable(_("Programmes in the province"), [_("Programme")], [[n] for n in names]),
            supply_and_demand(regions),
        ],
    )


def supply_and_demand(regions: Any) -> DataTable:
    """Per municipality of the province: available buddies (approved, extract seen, not
    paused; by home postcode) and referrals in a queue (by the school's or family's
    municipality). Three queries."""
    supply = dict(
        Buddy.objects.available()
        .filter(extract_seen_on__isnull=False, home_postcode__municipality__province__in=regions)
        .values_list("home_postcode__municipality")
        .annotate(n=Count("pk"))
        .order_by()
    )
    demand: dict[str, int] = {}
    queue = Referral.objects.filter(status__in=QUEUE_STATUSES)
    for path in ("pupil__school__municipality", "family__postcode__municipality"):
        for nis, n in (
            queue.filter(**{f"{path}__province__in": regions})
            .values_list(path)
            .annotate(n=Count("pk"))
            .order_by()
        ):
            demand[nis] = demand.get(nis, 0) + n
    codes = set(supply) | set(demand)
    names = dict(Municipality.objects.filter(nis_code__in=codes).values_list("nis_code", "name"))
    rows = sorted(
        ([names[c], supply.get(c, 0), demand.get(c, 0)] for c in codes),
        key=lambda row: (-row[2], -row[1], row[0]),
    )
    return _chart_table(
        "chart-supply-demand",
        _("Supply and demand per municipality"),
        [_("Municipality"), _("Available buddies"), _("Referrals waiting")],
        rows,
        column=2,
    )


def funder_panel(user: Any) -> Panel:
    buddies = Buddy.objects.filter(
        status=ScreeningStatus.APPROVED, extract_seen_on__isnull=False
    ).count()
    schools = (
        Referral.objects.exclude(status=ReferralStatus.DRAFT)
        .values("referrer_id")
        .distinct()
        .count()
    )
    today = timezone.localdate()
    since = dt.date(school_year_of(today), 9, 1)
    held = Meeting.objects.filter(status=MeetingStatus.HAPPENED, date__gte=since, date__lte=today)
    supported = Participant.objects.filter(
        Exists(held.filter(trajectory=OuterRef("trajectory")))
    ).aggregate(pupils=Count("pupil", distinct=True), families=Count("family", distinct=True))
    return Panel(
        _("Flanders and Brussels"),
        [
            Figure(_("Programmes"), suppress(Programme.objects.count())),
            Figure(_("Available buddies"), suppress(buddies)),
            Figure(_("Schools and services that referred"), suppress(schools)),
            Figure(_("Pupils supported this school year"), suppress(supported["pupils"])),
            Figure(_("Families supported this school year"), suppress(supported["families"])),
            Figure(_("Meetings held this school year"), suppress(held.count())),
        ],
        link=(reverse("reports:report"), _("Open the full report")),
    )


def admin_panel(user: Any) -> Panel:
    today = timezone.localdate()
    return Panel(
        _("Platform"),
        [
            Figure(_("Users"), User.objects.filter(is_active=True).count()),
            Figure(_("Programmes"), Programme.objects.count()),
            Figure(
                _("Schools to confirm"), School.objects.filter(confirmed_at__isnull=True).count()
            ),
            Figure(_("Audit events today"), AuditEvent.objects.filter(at__date=today).count()),
        ],
    )


def city_panel(user: Any) -> Panel:
    """Issue 14, point 3: the city's own figures this school year (pupils at its schools,
    families living there: reports/places.py), in bands like the funder's."""
    codes = sorted(policy.city_municipality_codes(user))
    in_city = Q(pk__in=[])
    for code in codes:
        in_city |= places.participants_in(code)
    today = timezone.localdate()
    since = dt.date(school_year_of(today), 9, 1)
    held = Meeting.objects.filter(status=MeetingStatus.HAPPENED, date__gte=since, date__lte=today)
    participants = Participant.objects.filter(in_city)
    supported = participants.filter(
        Exists(held.filter(trajectory=OuterRef("trajectory")))
    ).aggregate(pupils=Count("pupil", distinct=True), families=Count("family", distinct=True))
    meetings = held.filter(trajectory__in=participants.values("trajectory_id")).count()
    names = (
        Municipality.objects.filter(pk__in=codes).order_by("name").values_list("name", flat=True)
    )
    return Panel(
        ", ".join(names) or _("My municipality"),
        [
            Figure(_("Pupils supported this school year"), suppress(supported["pupils"])),
            Figure(_("Families supported this school year"), suppress(supported["families"])),
            Figure(_("Meetings held this school year"), suppress(meetings)),
        ],
        link=(reverse("reports:report"), _("Open the full report")),
    )


PANELS = [
    (Role.PROGRAMME_COORDINATOR, coordinator_panel),
    (Role.SCHOOL_STAFF, school_panel),
    (Role.SERVICE_STAFF, service_panel),
    (Role.BUDDY, buddy_panel),
    (Role.REGIONAL_COORDINATOR, regional_panel),
    (Role.FUNDER, funder_panel),
    (Role.CITY_STAFF, city_panel),
    (Role.PLATFORM_ADMIN, admin_panel),
]


def panels_for(user: Any) -> list[Panel]:
    """One panel per role the user holds, in a fixed order."""
    roles = policy.roles_of(user)
    return [build(user) for role, build in PANELS if role in roles]
