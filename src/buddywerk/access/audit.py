"""Write audit events.

Writes. A service calls `audit_record(actor=..., action="<entity>.<verb>", target=<the row
it wrote>)` inside its own transaction, so the event commits or rolls back with the write.
The admin does the same for its saves and deletes (`admin.add`, `admin.change`,
`admin.delete`, see access.admin.AuditedAdmin).

Views: the convention. Every page that shows a pupil's or a family's personal data (a
name or first name, needs, notes, agreements, follow-up), whatever its form: a detail page,
an edit form, a list, an htmx fragment, an export, an admin screen, writes one event with
action "view" PER CHILD IT SHOWS, and the event's target is the child itself: the
`referrals.pupil` or the `referrals.family`, with the child's UUID as `object_id`. Never
the referral, the duo, the proposal or the follow-up record the child was seen through:
that record goes into `detail` (`{"referral": <uuid>}`, `{"trajectory": <uuid>}`,
`{"proposal": <uuid>}`, `{"concern": <uuid>}`, ...); a list adds `"list": true` and the admin
adds `"admin": true`. So "who saw this pupil, when, and on which page?" is one query on
the indexed (object_type, object_id) pair, whichever page it was, and the request id ties
each row to the page's log lines:

    AuditEvent.objects.filter(
        action="view", object_type="referrals.pupil", object_id=str(pupil.uuid)
    )

A duo of three pupils shown once writes three events; a list of fifty referrals writes
fifty. A page that shows several children writes them in one INSERT (`audit_view_many`),
so its number of queries does not grow with its rows. The data of other people (a buddy's
profile, a mail in the outbox) follows the same rule with that person's record as target.
`detail` holds UUIDs and flags only, never personal data.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db import models

from buddywerk.common.middleware import current_request_id

from .models import AuditEvent, User


def _object_id(target: models.Model) -> str:
    """The UUID where the model has one (what the URLs show), else the primary key."""
    return str(getattr(target, "uuid", None) or target.pk)


@dataclass(frozen=True)
class Seen:
    """One person a page shows, as its view event names them: the target (the child's
    model label and UUID) and the records the child was seen through, for `detail`."""

    object_type: str
    object_id: str
    via: tuple[tuple[str, str], ...] = ()

    @property
    def detail(self) -> dict[str, Any]:
        return dict(self.via)


def seen(target: models.Model, **via: Any) -> Seen:
    """`target` (a pupil, a family, or another person's record) seen through `via`, e.g.
    `seen(referral.participant, referral=referral.uuid)`."""
    return seen_ref(target._meta.label_lower, target_id=_object_id(target), **via)


def seen_ref(object_type: str, *, target_id: Any, **via: Any) -> Seen:
    """The same from values read without the model instance (a `.values()` row)."""
    return Seen(
        object_type=object_type,
        object_id=str(target_id),
        via=tuple(sorted((key, str(value)) for key, value in via.items() if value is not None)),
    )


def _event(
    *, actor: User | None, action: str, target: models.Model | Seen, detail: dict[str, Any] | None
) -> AuditEvent:
    """An unsaved event; `object_id` is the target's UUID where it has one."""
    if isinstance(target, Seen):
        object_type, object_id = target.object_type, target.object_id
        detail = {**target.detail, **(detail or {})}
    else:
        object_type, object_id = target._meta.label_lower, _object_id(target)
    return AuditEvent(
        actor=actor if actor is not None and actor.is_authenticated else None,
        action=action,
        object_type=object_type,
        object_id=object_id,
        request_id=current_request_id(),
        detail=detail or {},
    )


def audit_record(
    *,
    actor: User | None,
    action: str,
    target: models.Model | Seen,
    detail: dict[str, Any] | None = None,
) -> AuditEvent:
    """Record that `actor` did `action` on `target`. Never put personal data in `detail`."""
    event = _event(actor=actor, action=action, target=target, detail=detail)
    event.save(force_insert=True)
    return event


def audit_record_many(
    *, actor: User | None, action: str, targets: Iterable[models.Model]
) -> list[AuditEvent]:
    """`audit_record` for several rows at once (a bulk delete), in one INSERT."""
    return AuditEvent.objects.bulk_create(
        _event(actor=actor, action=action, target=target, detail=None) for target in targets
    )


def audit_view(*, actor: User, target: models.Model | Seen) -> AuditEvent:
    """Record that `actor` looked at the personal data of one child (or person)."""
    return audit_record(actor=actor, action="view", target=target)


def audit_view_many(
    *,
    actor: User,
    targets: Iterable[models.Model | Seen],
    listed: bool = True,
    detail: dict[str, Any] | None = None,
) -> list[AuditEvent]:
    """Record that `actor` looked at a page showing every one of `targets`: one event per
    child (so "who saw this pupil?" stays one query), all written in one INSERT, nothing
    when the page shows nobody. `listed` marks the events of a list (`"list": true`);
    a detail page with several children (a group duo) passes `listed=False`. A child
    shown twice through the same record is recorded once."""
    extra = {**({"list": True} if listed else {}), **(detail or {})}
    unique: dict[tuple[str, str, tuple[tuple[str, str], ...]], models.Model | Seen] = {}
    for target in targets:
        key = (
            (target.object_type, target.object_id, target.via)
            if isinstance(target, Seen)
            else (target._meta.label_lower, _object_id(target), ())
        )
        unique.setdefault(key, target)
    if not unique:
        return []
    return AuditEvent.objects.bulk_create(
        _event(actor=actor, action="view", target=target, detail=extra)
        for target in unique.values()
    )
