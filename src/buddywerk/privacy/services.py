"""Writes on the retention schedule's programme side (R18, issue 15 point 2)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from buddywerk.access import policy
from buddywerk.common.audit import AuditAction, audit_record
from buddywerk.common.permissions import check_allowed

from .models import RetentionOverride
from .schedule import OVERRIDABLE, RULES, period_text

if TYPE_CHECKING:
    from buddywerk.access.models import User
    from buddywerk.organisations.models import Programme


@transaction.atomic
def retention_override_set(
    *, actor: User | None, programme: Programme, kind: str, days: int | None
) -> RetentionOverride | None:
    """Keep one kind of the programme's data for `days` (shorter than the schedule), or
    back to the schedule's period with None. Never longer than the schedule."""
    check_allowed(actor, lambda user: policy.can_shorten_retention(user, programme))
    if kind not in {rule.kind.value for rule in OVERRIDABLE}:
        raise ValidationError({"kind": [_("A programme cannot change this period.")]})
    existing = RetentionOverride.objects.select_for_update().filter(programme=programme, kind=kind)
    if days is None:
        existing.delete()
        audit_record(
            actor=actor,
            action=AuditAction.RETENTION_SET,
            target=programme,
            detail={"kind": kind, "days": None},
        )
        return None
    limit = RULES[kind].period_days
    if not 1 <= days <= limit:
        raise ValidationError(
            {
                kind: [
                    _("Choose from 1 day to %(limit)s: a programme can only keep data shorter.")
                    % {"limit": period_text(limit)}
                ]
            }
        )
    override, _created = RetentionOverride.objects.update_or_create(
        programme=programme, kind=kind, defaults={"days": days}
    )
    audit_record(
        actor=actor,
        action=AuditAction.RETENTION_SET,
        target=programme,
        detail={"kind": kind, "days": days},
    )
    return override


@transaction.atomic
def retention_overrides_set(
    *, actor: User | None, programme: Programme, days_by_kind: dict[str, int | None]
) -> None:
    """`retention_override_set` for several kinds at once (the programme's page): all
    or nothing, with every refused period reported on its own field."""
    errors: dict[str, list[str]] = {}
    for kind, days in days_by_kind.items():
        try:
            with transaction.atomic():
                retention_override_set(actor=actor, programme=programme, kind=kind, days=days)
        except ValidationError as error:
            for field, messages in error.message_dict.items():
                errors.setdefault(field, []).extend(messages)
    if errors:
        raise ValidationError(errors)
