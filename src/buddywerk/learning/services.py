"""Writes of the learning app: events, registrations with a waiting list (R13), attendance,
meet-up notes [004] and completed modules (R14). Each service validates, runs in one
transaction, leaves an audit event and writes its mail to the outbox in that transaction
(ARCHITECTURE.md 1, 5).

Registrations and cancellations lock the event row (`select_for_update`) first, so two
buddies who register for the last place at the same moment are served one after the
other: one gets the place, the other the waiting list.
"""

import datetime as dt
import secrets
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from buddywerk.access import policy
from buddywerk.access.models import User
from buddywerk.common import clock
from buddywerk.common.audit import AuditAction, audit_record
from buddywerk.common.dates import date_text
from buddywerk.common.workflow import transition_apply
from buddywerk.mail.compose import mail_to_users, site_url
from buddywerk.organisations.models import Programme

from .models import (
    CalendarFeed,
    Event,
    MeetupNote,
    Module,
    ModuleCompletion,
    Registration,
    RegistrationStatus,
    RequiredModule,
)
from .workflow import ACTIVE_STATUSES, REGISTRATION

EVENT_FIELDS = [
    "kind",
    "title",
    "theme",
    "description",
    "programme",
    "audience",
    "starts_at",
    "ends_at",
    "registration_deadline",
    "place",
    "online_url",
    "capacity",
]


def _check_organiser(actor: User, programme: Any) -> None:
    """A programme coordinator organises for their own programme; a regional coordinator
    or a platform admin also for every programme (no programme)."""
    if not policy.can_organise_events(actor):
        raise PermissionDenied
    if programme is None:
        if not policy.can_organise_events_for_everyone(actor):
            raise PermissionDenied
    elif not policy.is_platform_admin(actor) and programme.pk not in policy.organisation_ids(
        actor, "programme_coordinator"
    ):
        raise PermissionDenied


@transaction.atomic
def event_create(*, actor: User, fields: dict[str, Any]) -> Event:
    """A programme coordinator creates an event of their programme; a regional coordinator
    one of their regional coordination (for every programme, issue 20); a platform admin
    one for all programmes (no programme) or for any programme."""
    programme = fields.get("programme")
    _check_organiser(actor, programme)
    event = Event(created_by=actor, **{k: v for k, v in fields.items() if k in EVENT_FIELDS})
    regions = sorted(policy.region_ids(actor))
    if programme is None and regions and not policy.is_platform_admin(actor):
        # The regional coordination manages the event (its registrations, attendance).
        event.region_id = regions[0]
    event.full_clean()
    event.save()
    audit_record(actor=actor, action=AuditAction.EVENT_CREATE, target=event)
    return event


@transaction.atomic
def event_update(*, actor: User, event: Event, fields: dict[str, Any]) -> Event:
    """The organiser edits an event. The waiting-list rules stay (R13): fewer places than
    people registered is refused; more places move the first on the waiting list up."""
    if not policy.can_manage_event(actor, event):
        raise PermissionDenied
    event = Event.objects.select_for_update().get(pk=event.pk)
    programme = fields.get("programme", event.programme)
    if programme != event.programme:
        _check_organiser(actor, programme)
    changed = []
    for name in EVENT_FIELDS:
        if name in fields and getattr(event, name) != fields[name]:
            setattr(event, name, fields[name])
            changed.append(name)
    event.full_clean()
    taken = event.registrations.filter(status=RegistrationStatus.REGISTERED).count()
    if event.capacity < taken:
        raise ValidationError(
            {
                "capacity": _(
                    "%(taken)s people are registered already. Give at least that many places."
                )
                % {"taken": taken}
            }
        )
    event.save()
    audit_record(
        actor=actor, action=AuditAction.EVENT_UPDATE, target=event, detail={"fields": changed}
    )
    _promote(event=event, actor=actor)
    return event


@transaction.atomic
def registration_create(
    *, actor: User, event: Event, now: dt.datetime | None = None
) -> Registration:
    """R13, R14: a buddy, school staff member or coordinator in the event's audience chooses
    an event and registers; a full event puts them on its waiting list. Refused after the
    deadline, for a cancelled event, or a second time. `now` is the fake clock (tests,
    demo data): the moment of the registration."""
    moment = clock.now(now)
    if not policy.can_register_for_events(actor):
        raise PermissionDenied
    if not policy.events_visible_to(actor, Event.objects.all()).filter(pk=event.pk).exists():
        raise PermissionDenied
    # The lock: every registration and cancellation of this event waits here in turn.
    event = Event.objects.select_for_update().get(pk=event.pk)
    if event.is_cancelled:
        raise ValidationError(_("This event is cancelled."))
    if not policy.can_register_for_event(actor, event):  # not in the event's audience
        raise PermissionDenied
    if moment > event.registration_deadline:
        raise ValidationError(
            _("Registration closed on %(date)s.")
            % {"date": date_text(event.registration_deadline, with_time=True)}
        )
    if event.registrations.filter(user=actor, status__in=ACTIVE_STATUSES).exists():
        raise ValidationError(_("You are already registered for this event."))
    taken = event.registrations.filter(status=RegistrationStatus.REGISTERED).count()
    status = RegistrationStatus.REGISTERED if taken < event.capacity else RegistrationStatus.WAITING
    # An approved buddy's attendance counts in their profile and certificate.
    buddy = getattr(actor, "buddy", None) if policy.is_approved_buddy(actor) else None
    registration = Registration(event=event, user=actor, buddy=buddy, status=status)
    registration.full_clean(validate_constraints=False)
    try:
        with transaction.atomic():
            registration.save()
    except IntegrityError as exc:  # the database's unique constraint, should a race slip by
        raise ValidationError(_("You are already registered for this event.")) from exc
    REGISTRATION.log_start(registration, actor=actor, at=moment)
    audit_record(
        actor=actor,
        action=AuditAction.REGISTRATION_CREATE,
        target=registration,
        detail={"status": status},
    )
    return registration


@transaction.atomic
def registration_cancel(*, actor: User, registration: Registration) -> Registration:
    """The person cancels (or the organiser cancels for them). When a place comes free, the
    first on the waiting list moves up at once and gets a mail (R13)."""
    if not policy.can_cancel_registration(actor, registration):
        raise PermissionDenied
    event = Event.objects.select_for_update().get(pk=registration.event_id)
    was = registration.status
    if was == RegistrationStatus.CANCELLED:
        raise ValidationError(_("This registration is already cancelled."))

    def stamp(locked: Registration, now: Any) -> list[str]:
        locked.cancelled_at = now
        return ["cancelled_at"]

    registration = transition_apply(
        REGISTRATION, "cancel", obj=registration, actor=actor, update=stamp
    )
    if was == RegistrationStatus.REGISTERED:
        _promote(event=event, actor=actor)
    return registration


def _promote(*, event: Event, actor: User | None) -> None:
    """Fill free places from the waiting list, first come first served. Runs under the
    event's row lock."""
    taken = event.registrations.filter(status=RegistrationStatus.REGISTERED).count()
    free = event.capacity - taken
    if free <= 0:
        return
    waiting = list(
        event.registrations.select_for_update()
        .filter(status=RegistrationStatus.WAITING)
        .order_by("created_at", "id")[:free]
    )
    for registration in waiting:

        def stamp(locked: Registration, now: Any) -> list[str]:
            locked.promoted_at = now
            return ["promoted_at"]

        # The system moves them up; who freed the place is in the cancellation's log.
        transition_apply(REGISTRATION, "promote", obj=registration, actor=None, update=stamp)
        registration_moved_up_mail(registration=registration)


def registration_moved_up_mail(*, registration: Registration) -> None:
    """Tell a person that they moved up from the waiting list (R13): one mail, written in
    the caller's transaction, in their language."""
    event = registration.event
    mail_to_users(
        users=[registration.user],
        template="learning/email/moved_up",
        kind="learning.moved_up",
        context={
            "registration": registration,
            "event": event,
            "event_url": site_url(reverse("learning:event_detail", args=[event.uuid])),
        },
    )


@transaction.atomic
def attendance_record(*, actor: User, event: Event, present: set[int]) -> int:
    """The organiser records who came (on a phone, at the door); a buddy's attendance counts
    in their profile. Returns how many were present."""
    if not policy.can_manage_event(actor, event):
        raise PermissionDenied
    if event.starts_at > timezone.now():
        raise ValidationError(_("Attendance can be recorded once the event has started."))
    registrations = list(
        event.registrations.select_for_update().filter(status=RegistrationStatus.REGISTERED)
    )
    for registration in registrations:
        registration.attended = registration.pk in present
        registration.save(update_fields=["attended", "updated_at"])
    audit_record(
        actor=actor,
        action=AuditAction.EVENT_ATTENDANCE,
        target=event,
        detail={"present": len([r for r in registrations if r.attended])},
    )
    return len([r for r in registrations if r.attended])


@transaction.atomic
def meetup_note_record(*, actor: User, event: Event, kind: str, text: str) -> MeetupNote:
    """[004] An idea, need or signal raised at a meet-up, recorded for the programme."""
    if not policy.can_manage_event(actor, event):
        raise PermissionDenied
    if event.programme_id is None:
        raise ValidationError(_("Notes belong to the event of one programme."))
    note = MeetupNote(
        event=event, programme_id=event.programme_id, kind=kind, text=text, recorded_by=actor
    )
    note.full_clean()
    note.save()
    audit_record(actor=actor, action=AuditAction.MEETUP_NOTE_RECORD, target=note)
    return note


@transaction.atomic
def module_complete(*, actor: User, module: Module, reflection: str = "") -> ModuleCompletion:
    """R14: a buddy marks a module done, with an optional reflection (once; again updates
    the reflection)."""
    buddy = getattr(actor, "buddy", None)
    if buddy is None or not policy.can_take_modules(actor):
        raise PermissionDenied
    completion = ModuleCompletion.objects.filter(module=module, buddy=buddy).first()
    if completion is None:
        completion = ModuleCompletion(module=module, buddy=buddy)
    completion.reflection = reflection.strip()
    completion.full_clean(validate_constraints=False)
    completion.save()
    audit_record(actor=actor, action=AuditAction.MODULE_COMPLETE, target=completion)
    return completion


@transaction.atomic
def calendar_feed_reset(*, actor: User) -> CalendarFeed:
    """Make (or replace) the buddy's secret calendar link; the old link stops working. Only
    an approved buddy has one (policy.can_have_calendar_feed)."""
    buddy = getattr(actor, "buddy", None)
    if buddy is None or not policy.can_have_calendar_feed(actor):
        raise PermissionDenied
    feed, _created = CalendarFeed.objects.get_or_create(
        buddy=buddy, defaults={"token": secrets.token_urlsafe(32)}
    )
    if not _created:
        feed.token = secrets.token_urlsafe(32)
        feed.save(update_fields=["token", "updated_at"])
    audit_record(actor=actor, action=AuditAction.CALENDAR_FEED_RESET, target=feed)
    return feed


@transaction.atomic
def calendar_feed_drop(*, actor: User | None, buddy: Any) -> bool:
    """Delete the buddy's secret calendar link, so the link stops working for good: run in
    the same transaction as a decline or a deactivation (issue 11). True when there was
    one."""
    deleted, _rows = CalendarFeed.objects.filter(buddy=buddy).delete()
    if deleted:
        audit_record(actor=actor, action=AuditAction.CALENDAR_FEED_DROP, target=buddy)
    return bool(deleted)


@transaction.atomic
def required_modules_set(
    *,
    actor: User,
    programme: Any,
    modules: list[Module],
    minor_modules: list[Module] | None = None,
) -> None:
    """A programme setting: the modules its buddies complete before a first duo, and those
    they complete before any duo with a minor (issue 13). Set by the programme's
    coordinators (or a platform admin)."""
    if not policy.can_view_service_reach(actor, programme):
        raise PermissionDenied
    first = {m.pk for m in modules}
    minor = {m.pk for m in minor_modules or []}
    if first & minor:
        raise ValidationError(
            {
                "minor_modules": _(
                    "A module is required before a first duo or before a duo with a minor, "
                    "not both."
                )
            }
        )
    RequiredModule.objects.filter(programme=programme).delete()
    RequiredModule.objects.bulk_create(
        [RequiredModule(programme=programme, module_id=pk) for pk in sorted(first)]
        + [
            RequiredModule(programme=programme, module_id=pk, for_minors=True)
            for pk in sorted(minor)
        ]
    )
    audit_record(
        actor=actor,
        action=AuditAction.PROGRAMME_REQUIRED_MODULES,
        target=programme,
        detail={"modules": sorted(first), "minor_modules": sorted(minor)},
    )


MODULE_FIELDS = [
    "slug",
    "title",
    "theme",
    "audience",
    "format",
    "url",
    "minutes",
    "body",
    "position",
    "is_published",
]


def _required_for_set(*, actor: User, module: Module, programmes: list[Any]) -> list[int]:
    """The module's required flag in each programme the actor coordinates: on for those
    in `programmes`, off for the others. Other programmes' settings are left alone."""
    own = policy.programmes_organised_by(actor, Programme.objects.all())
    wanted = {p.pk for p in programmes}
    if wanted - set(own.values_list("pk", flat=True)):
        raise PermissionDenied
    RequiredModule.objects.filter(module=module, programme__in=own, for_minors=False).exclude(
        programme_id__in=wanted
    ).delete()
    for pk in sorted(wanted):
        RequiredModule.objects.get_or_create(programme_id=pk, module=module)
    return sorted(wanted)


@transaction.atomic
def module_create(
    *,
    actor: User,
    fields: dict[str, Any],
    programme: Any = None,
    required_for: list[Any] | None = None,
) -> Module:
    """Issue 20: a regional coordinator writes a module of the academy (no programme); a
    programme coordinator one of their own programme. `required_for`: the actor's
    programmes whose buddies complete it before a first duo."""
    if not policy.can_write_modules(actor):
        raise PermissionDenied
    module = Module(programme=programme, **{k: v for k, v in fields.items() if k in MODULE_FIELDS})
    if not policy.can_edit_module(actor, module):
        raise PermissionDenied
    module.full_clean()
    module.save()
    required = _required_for_set(actor=actor, module=module, programmes=required_for or [])
    audit_record(
        actor=actor,
        action=AuditAction.MODULE_CREATE,
        target=module,
        detail={"required_for": required},
    )
    return module


@transaction.atomic
def module_update(
    *,
    actor: User,
    module: Module,
    fields: dict[str, Any],
    required_for: list[Any] | None = None,
) -> Module:
    """The module's author role changes its text or settings and its required flag in
    the actor's own programmes."""
    if not policy.can_edit_module(actor, module):
        raise PermissionDenied
    module = Module.objects.select_for_update().get(pk=module.pk)
    changed = []
    for name in MODULE_FIELDS:
        if name in fields and getattr(module, name) != fields[name]:
            setattr(module, name, fields[name])
            changed.append(name)
    module.full_clean()
    module.save()
    required = _required_for_set(actor=actor, module=module, programmes=required_for or [])
    audit_record(
        actor=actor,
        action=AuditAction.MODULE_UPDATE,
        target=module,
        detail={"fields": changed, "required_for": required},
    )
    return module
