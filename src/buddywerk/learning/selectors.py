"""Reads of the learning app, scoped by the access policy."""

from typing import Any

from django.db.models import Count, Exists, OuterRef, Q, QuerySet

from buddywerk.access import policy

from .models import (
    Event,
    MeetupNote,
    Module,
    ModuleCompletion,
    Registration,
    RegistrationStatus,
    RequiredModule,
)
from .workflow import ACTIVE_STATUSES


def event_list(*, user: Any) -> QuerySet[Event]:
    """Upcoming events the user may see, with the number of places taken."""
    qs = (
        policy.events_visible_to(user, Event.objects.upcoming())
        .select_related("programme")
        .annotate(
            taken=Count("registrations", filter=Q(registrations__status="registered")),
            waiting=Count("registrations", filter=Q(registrations__status="waiting")),
        )
        # Explicit: Django drops Meta.ordering from a query with GROUP BY (the counts), so
        # the events came in the order they were created (issue 16, point 10).
        .order_by("starts_at", "pk")
    )
    if user.is_authenticated:
        mine = Registration.objects.filter(
            event=OuterRef("pk"), user=user, status__in=ACTIVE_STATUSES
        )
        qs = qs.annotate(is_mine=Exists(mine))
    return qs


def registration_of(*, user: Any, event: Event) -> Registration | None:
    if not user.is_authenticated:
        return None
    return event.registrations.filter(user=user, status__in=ACTIVE_STATUSES).first()


def waiting_position(registration: Registration) -> int:
    """1 for the first on the waiting list."""
    return (
        registration.event.registrations.filter(
            status=RegistrationStatus.WAITING, created_at__lt=registration.created_at
        ).count()
        + registration.event.registrations.filter(
            status=RegistrationStatus.WAITING,
            created_at=registration.created_at,
            id__lt=registration.pk,
        ).count()
        + 1
    )


def events_for_calendar(buddy: Any) -> QuerySet[Event]:
    """The events a buddy holds a place for (not the waiting list) and may still see (a
    programme's internal events only while its approved buddy), for the calendar feed."""
    return (
        policy.events_visible_to(buddy.user, Event.objects.all())
        .filter(
            registrations__buddy=buddy,
            registrations__status=RegistrationStatus.REGISTERED,
            is_cancelled=False,
        )
        .select_related("programme")
        .order_by("starts_at")
    )


def attendance_count(buddy: Any) -> int:
    """How many events the buddy attended (for the profile and the certificate)."""
    return Registration.objects.filter(buddy=buddy, attended=True).count()


def event_registrations(*, event: Event) -> QuerySet[Registration]:
    return (
        event.registrations.filter(status__in=ACTIVE_STATUSES)
        .select_related("user")
        .order_by("status", "created_at", "id")
    )


def meetup_notes_for(*, user: Any, programme: Any) -> QuerySet[MeetupNote]:
    """The ideas and signals of the programme's meet-ups (its coordinators and admins)."""
    if not policy.can_view_service_reach(user, programme):
        return MeetupNote.objects.none()
    return MeetupNote.objects.filter(programme=programme).select_related("event")


def module_list(*, user: Any) -> QuerySet[Module]:
    """The published modules; a module writer also sees their own drafts, marked editable."""
    qs = Module.objects.filter(is_published=True)
    if policy.can_write_modules(user):
        own = policy.modules_written_by(user, Module.objects.all())
        qs = Module.objects.filter(Q(is_published=True) | Q(pk__in=own.values("pk"))).annotate(
            can_edit=Exists(own.filter(pk=OuterRef("pk")))
        )
    buddy = getattr(user, "buddy", None) if user.is_authenticated else None
    if buddy is not None:
        done = ModuleCompletion.objects.filter(module=OuterRef("pk"), buddy=buddy)
        qs = qs.annotate(is_done=Exists(done))
    return qs


def modules_missing_for(buddy: Any, programme: Any) -> QuerySet[Module]:
    """The modules `programme` requires before a first duo that `buddy` has not done yet:
    the screening queue shows them, and a buddy with any left is not ready for a duo."""
    return (
        Module.objects.filter(required_by__programme=programme)
        .exclude(completions__buddy=buddy)
        .order_by("position", "title")
    )


def missing_required_modules(*, buddies: Any, programme: Any) -> dict[int, list[Module]]:
    """For a page of buddies, the modules `programme` requires before a first duo that each
    still misses, keyed by buddy id (a buddy missing none is left out): two queries
    whatever the number of buddies, for the coordinator's screening queue."""
    ids = [buddy.pk for buddy in buddies]
    if not ids:
        return {}
    required = list(
        Module.objects.filter(required_by__programme=programme).order_by("position", "title")
    )
    if not required:
        return {}
    done = set(
        ModuleCompletion.objects.filter(module__in=required, buddy_id__in=ids).values_list(
            "buddy_id", "module_id"
        )
    )
    missing: dict[int, list[Module]] = {}
    for buddy_id in ids:
        left = [module for module in required if (buddy_id, module.pk) not in done]
        if left:
            missing[buddy_id] = left
    return missing


def buddies_missing_required_modules(*, programme: Any) -> list[tuple[Any, list[Module]]]:
    """Every buddy of the programme who still misses a required module, with the modules
    missing: three queries, whatever the number of buddies (for the screening queue)."""
    from buddywerk.buddies.models import Buddy

    required = list(Module.objects.filter(required_by__programme=programme))
    if not required:
        return []
    done = set(
        ModuleCompletion.objects.filter(
            module__in=required, buddy__programmes=programme
        ).values_list("buddy_id", "module_id")
    )
    rows = []
    for buddy in Buddy.objects.filter(programmes=programme).select_related("user"):
        missing = [m for m in required if (buddy.pk, m.pk) not in done]
        if missing:
            rows.append((buddy, missing))
    return rows


def modules_still_to_do(
    *, buddy_ids: list[int], programme: Any
) -> dict[int, tuple[list[Module], list[Module]]]:
    """Issue 13, point 4: for each buddy, the modules `programme` still requires of them,
    as (before a first duo, before a duo with a minor). The first list is empty for a
    buddy who already had a duo. Buddies missing nothing are left out; three queries."""
    from buddywerk.trajectories.models import Trajectory

    if not buddy_ids:
        return {}
    required = list(
        RequiredModule.objects.filter(programme=programme)
        .select_related("module")
        .order_by("module__position", "module__title")
    )
    if not required:
        return {}
    done = set(
        ModuleCompletion.objects.filter(
            module_id__in=[r.module_id for r in required], buddy_id__in=buddy_ids
        ).values_list("buddy_id", "module_id")
    )
    had_duo = set(
        Trajectory.objects.filter(buddy_id__in=buddy_ids).values_list("buddy_id", flat=True)
    )
    result: dict[int, tuple[list[Module], list[Module]]] = {}
    for buddy_id in buddy_ids:
        first = [
            r.module
            for r in required
            if not r.for_minors and buddy_id not in had_duo and (buddy_id, r.module_id) not in done
        ]
        minor = [r.module for r in required if r.for_minors and (buddy_id, r.module_id) not in done]
        if first or minor:
            result[buddy_id] = (first, minor)
    return result
