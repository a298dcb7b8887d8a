"""The figures on each role's home page. Each function runs a fixed number of aggregate
queries, whatever the amount of data (no query per row)."""

from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Q
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from buddywerk.access import policy
from buddywerk.access.models import AuditEvent, Role, User
from buddywerk.buddies.models import Buddy, ScreeningStatus
from buddywerk.organisations.models import Organisation, Programme, School
from buddywerk.referrals.models import Pupil, Referral, ReferralStatus

# Funder figures below this are shown as "<5" (small cells could identify a child).
SMALL_CELL = 5


@dataclass(frozen=True)
class Figure:
    label: str | Promise
    value: int | str
    help: str | Promise = ""


@dataclass(frozen=True)
class Panel:
    title: str | Promise
    figures: list[Figure]


OPEN_STATUSES = [ReferralStatus.SUBMITTED, ReferralStatus.ACCEPTED, ReferralStatus.WAITING]


def suppress(value: int) -> int | str:
    """Small-cell suppression for aggregate figures shown to the funder."""
    return "<5" if 0 < value < SMALL_CELL else value


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
    return Panel(
        _("My school"),
        [
            Figure(_("Pupils"), pupils),
            Figure(_("Referrals waiting for a buddy"), counts["open"]),
            Figure(_("Pupils with a buddy"), counts["matched"]),
            Figure(_("Draft referrals"), counts["draft"]),
        ],
    )


def coordinator_panel(user: Any) -> Panel:
    programmes = policy.organisation_ids(user, Role.PROGRAMME_COORDINATOR)
    buddies = (
        Buddy.objects.filter(programmes__in=programmes)
        .distinct()
        .aggregate(
            applied=Count("pk", filter=Q(status=ScreeningStatus.APPLIED)),
            approved=Count("pk", filter=Q(status=ScreeningStatus.APPROVED)),
            no_extract=Count(
                "pk", filter=Q(status=ScreeningStatus.APPROVED, extract_seen_on__isnull=True)
            ),
        )
    )
    queue = Referral.objects.filter(programme_id__in=programmes, status__in=OPEN_STATUSES).count()
    return Panel(
        _("My programme"),
        [
            Figure(_("Referrals in the queue"), queue),
            Figure(_("Buddies to screen"), buddies["applied"]),
            Figure(_("Approved buddies"), buddies["approved"]),
            Figure(_("Approved buddies without extract"), buddies["no_extract"]),
        ],
    )


def regional_panel(user: Any) -> Panel:
    regions = Organisation.objects.filter(
        pk__in=policy.organisation_ids(user, Role.REGIONAL_COORDINATOR)
    ).values("province")
    programmes = Programme.objects.filter(municipalities__province__in=regions).distinct()
    return Panel(
        _("My province"),
        [
            Figure(_("Programmes"), programmes.count()),
            Figure(_("Schools"), School.objects.filter(municipality__province__in=regions).count()),
            Figure(
                _("Approved buddies"),
                Buddy.objects.filter(programmes__in=programmes, status=ScreeningStatus.APPROVED)
                .distinct()
                .count(),
            ),
        ],
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
    return Panel(
        _("Flanders and Brussels"),
        [
            Figure(_("Programmes"), suppress(Programme.objects.count())),
            Figure(_("Available buddies"), suppress(buddies)),
            Figure(_("Schools and services that referred"), suppress(schools)),
        ],
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


PANELS = [
    (Role.PROGRAMME_COORDINATOR, coordinator_panel),
    (Role.SCHOOL_STAFF, school_panel),
    (Role.BUDDY, buddy_panel),
    (Role.REGIONAL_COORDINATOR, regional_panel),
    (Role.FUNDER, funder_panel),
    (Role.PLATFORM_ADMIN, admin_panel),
]


def panels_for(user: Any) -> list[Panel]:
    """One panel per role the user holds, in a fixed order."""
    roles = policy.roles_of(user)
    return [build(user) for role, build in PANELS if role in roles]
