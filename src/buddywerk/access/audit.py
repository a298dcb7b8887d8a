"""Write audit events. Services call `audit_record` inside their transaction; views of a
pupil's or family's personal data call `audit_view`."""

from collections.abc import Sequence
from typing import Any

from django.db import models

from buddywerk.common.middleware import current_request_id

from .models import AuditEvent, User


def _event(
    *, actor: User | None, action: str, target: models.Model, detail: dict[str, Any] | None
) -> AuditEvent:
    """An unsaved event; `object_id` is the target's UUID where it has one."""
    return AuditEvent(
        actor=actor if actor is not None and actor.is_authenticated else None,
        action=action,
        object_type=target._meta.label_lower,
        object_id=str(getattr(target, "uuid", None) or target.pk),
        request_id=current_request_id(),
        detail=detail or {},
    )


def audit_record(
    *,
    actor: User | None,
    action: str,
    target: models.Model,
    detail: dict[str, Any] | None = None,
) -> AuditEvent:
    """Record that `actor` did `action` on `target`. Never put personal data in `detail`."""
    event = _event(actor=actor, action=action, target=target, detail=detail)
    event.save(force_insert=True)
    return event


def audit_view(*, actor: User, target: models.Model) -> AuditEvent:
    """Record that `actor` looked at the personal data held in `target`."""
    return audit_record(actor=actor, action="view", target=target)


def audit_view_many(*, actor: User, targets: Sequence[models.Model]) -> list[AuditEvent]:
    """Record that `actor` looked at a list naming every one of `targets`: one event per
    object (so "who saw this pupil?" stays one query), written in one INSERT."""
    return AuditEvent.objects.bulk_create(
        _event(actor=actor, action="view", target=target, detail={"list": True})
        for target in targets
    )
