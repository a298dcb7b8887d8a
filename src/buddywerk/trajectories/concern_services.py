"""Writes of concerns about a duo: raised with an urgency by a person or by a low
well-being score, acknowledged by a named person, escalated when nobody did.

Concerns stay beside the duo (a well-being score of 1 or 2 opens one inside
`wellbeing_record`). The helpers above the concern services (who wrote something, which
side they are on, who is told, short texts, mail after commit) are public because the
follow-up app (buddywerk.followup), which builds on trajectories, writes its tandem notes,
kijkwijzers and reminders with them.

Same shape as services.py: keyword-only, validated, one transaction, an audit event, mail
only on commit through the task queue. `now` may be passed (fake clock in tests).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.tasks import Task
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from buddywerk.access import policy
from buddywerk.access.models import Membership, Role
from buddywerk.common import clock
from buddywerk.common.audit import AuditAction, audit_record
from buddywerk.common.permissions import check_allowed

from .concern_rules import escalation_due_at, is_act_now
from .enums import ConcernOrigin, Side, Urgency
from .models import NOTE_MAX_CHARS, Concern
from .tasks import concern_mail_send

if TYPE_CHECKING:
    from buddywerk.access.models import User

    from .models import Trajectory, WellbeingScore

# Where mail links point when no request gives the site's address (scheduled runs).
DEFAULT_BASE_URL = "http://127.0.0.1:8000/"


def duo_mail_on_commit(
    send: Task[..., None],
    *,
    kind: str,
    trajectory: Trajectory,
    recipients: Iterable[int],
    base_url: str,
) -> None:
    """Queue the mail task `send` for `kind` once the current transaction commits (nothing
    goes out for a write that rolls back); no task without recipients."""
    ids = sorted(set(recipients))
    if not ids:
        return
    duo = str(trajectory.uuid)
    url = base_url or getattr(settings, "BUDDYWERK_BASE_URL", DEFAULT_BASE_URL)
    transaction.on_commit(
        lambda: send.enqueue(kind=kind, trajectory_uuid=duo, recipient_ids=ids, base_url=url)
    )


def refuse_closed_duo(trajectory: Trajectory, message: Any = None) -> None:
    """Nothing is added to the follow-up of a closed duo (a concern, a note, a kijkwijzer)."""
    if trajectory.is_closed:
        raise ValidationError(
            message or _("This duo is closed; nothing can be added to its follow-up anymore.")
        )


def short_text(value: str, *, field: str, required: bool = True) -> str:
    """Short notes only: a clear message for an empty or an over-long text."""
    value = (value or "").strip()
    if required and not value:
        raise ValidationError({field: _("Write a few words.")})
    if len(value) > NOTE_MAX_CHARS:
        raise ValidationError(
            {
                field: _(
                    "Keep it short: at most %(limit)s characters (now %(count)s). Nothing "
                    "was saved."
                )
                % {"limit": NOTE_MAX_CHARS, "count": len(value)}
            }
        )
    return value


def side_of(user: User, trajectory: Trajectory) -> str:
    if policy.is_trajectory_buddy(user, trajectory):
        return Side.BUDDY
    if policy.is_trajectory_school_staff(user, trajectory):
        return Side.SCHOOL
    return Side.PROGRAMME


# --- Who gets the mail ----------------------------------------------------------------


def member_ids(organisation_id: int, role: str, *, lead_only: bool = False) -> set[int]:
    """The users with an active membership of `role` in the organisation (its leads only
    with `lead_only`)."""
    qs = Membership.objects.active().filter(organisation_id=organisation_id, role=role)
    if lead_only:
        qs = qs.filter(is_lead=True)
    return set(qs.values_list("user_id", flat=True))


def coordinator_ids(trajectory: Trajectory) -> set[int]:
    return member_ids(trajectory.programme_id, Role.PROGRAMME_COORDINATOR)


def programme_lead_ids(trajectory: Trajectory) -> set[int]:
    """The coordinator's lead: a programme coordinator with the lead flag; without one,
    every coordinator of the programme (an escalation must reach someone)."""
    return member_ids(
        trajectory.programme_id, Role.PROGRAMME_COORDINATOR, lead_only=True
    ) or coordinator_ids(trajectory)


def school_care_coordinator_ids(trajectory: Trajectory) -> set[int]:
    """The school's care coordinator: its school staff lead (access Membership.is_lead)."""
    return member_ids(trajectory.school_id, Role.SCHOOL_STAFF, lead_only=True)


# --- Concerns ---------------------------------------------------------------------------


def _notify_urgent(concern: Concern, base_url: str, *, actor_id: int | None) -> None:
    trajectory = concern.trajectory
    recipients = coordinator_ids(trajectory) | school_care_coordinator_ids(trajectory)
    duo_mail_on_commit(
        concern_mail_send,
        kind="urgent_concern",
        trajectory=trajectory,
        recipients=recipients - {actor_id},
        base_url=base_url,
    )


@transaction.atomic
def concern_raise(
    *,
    actor: User,
    trajectory: Trajectory,
    urgency: str,
    text: str,
    base_url: str = "",
    now: dt.datetime | None = None,
) -> Concern:
    """The buddy, the school or the coordinator raises a concern with an urgency. An urgent
    one is mailed at once (after commit) to the programme's coordinators and the school's
    care coordinator. Never on a closed duo."""
    check_allowed(actor, policy.can_raise_concern(actor, trajectory))
    refuse_closed_duo(
        trajectory,
        _(
            "This duo is closed: a concern can no longer be raised here. Contact the "
            "programme coordinator directly."
        ),
    )
    if urgency not in Urgency.values:
        raise ValidationError({"urgency": _("Choose how urgent it is.")})
    concern = Concern(
        trajectory=trajectory,
        urgency=urgency,
        text=short_text(text, field="text"),
        side=side_of(actor, trajectory),
        raised_by=actor,
        raised_at=clock.now(now),
    )
    concern.full_clean()
    concern.save()
    audit_record(
        actor=actor, action=AuditAction.CONCERN_RAISE, target=concern, detail={"urgency": urgency}
    )
    if urgency == Urgency.URGENT:
        _notify_urgent(concern, base_url, actor_id=actor.pk)
    return concern


def concern_from_wellbeing(
    *, score: WellbeingScore, now: dt.datetime | None = None
) -> Concern | None:
    """A well-being score of 1 or 2 ('act now') opens an urgent concern by itself, once:
    not while the duo still has an open concern of this origin. Called by the well-being
    service inside its transaction."""
    if not is_act_now(score.score):
        return None
    trajectory = score.trajectory
    if trajectory.concerns.open().filter(origin=ConcernOrigin.WELLBEING).exists():
        return None
    actor = score.recorded_by
    concern = Concern.objects.create(
        trajectory=trajectory,
        urgency=Urgency.URGENT,
        origin=ConcernOrigin.WELLBEING,
        text=gettext(
            "A well-being score of %(score)s (act now) was recorded on %(date)s. Please "
            "contact the duo."
        )
        % {"score": score.score, "date": f"{score.date:%d/%m/%Y}"},
        side=side_of(actor, trajectory) if actor is not None else Side.PROGRAMME,
        raised_by=actor,
        raised_at=clock.now(now),
    )
    audit_record(actor=actor, action=AuditAction.CONCERN_RAISE_WELLBEING, target=concern)
    _notify_urgent(concern, "", actor_id=actor.pk if actor is not None else None)
    return concern


@transaction.atomic
def concern_acknowledge(
    *, actor: User, concern: Concern, note: str = "", now: dt.datetime | None = None
) -> Concern:
    """A named person of the programme or the school takes up the concern: who and when
    are recorded, with what will be done."""
    locked = Concern.objects.select_for_update().select_related("trajectory").get(pk=concern.pk)
    check_allowed(actor, policy.can_acknowledge_concern(actor, locked))
    if locked.acknowledged_at is not None:
        raise ValidationError(_("This concern was already acknowledged."))
    locked.acknowledgement = short_text(note, field="acknowledgement", required=False)
    locked.acknowledged_by = actor
    locked.acknowledged_at = clock.now(now)
    locked.full_clean()
    locked.save(
        update_fields=["acknowledgement", "acknowledged_by", "acknowledged_at", "updated_at"]
    )
    audit_record(actor=actor, action=AuditAction.CONCERN_ACKNOWLEDGE, target=locked)
    concern.refresh_from_db()
    return locked


def concerns_escalate(*, now: dt.datetime | None = None, base_url: str = "") -> int:
    """Concerns not acknowledged within 2 working days (weekends skipped) go to the
    programme's lead coordinator, once. Returns how many escalated."""
    moment = clock.now(now)
    candidates = Concern.objects.open().filter(
        escalated_at__isnull=True, raised_at__lte=moment - dt.timedelta(days=2)
    )
    count = 0
    for concern_id, raised_at in candidates.values_list("pk", "raised_at"):
        if moment < escalation_due_at(timezone.localtime(raised_at)):
            continue
        with transaction.atomic():
            concern = (
                Concern.objects.select_for_update()
                .select_related("trajectory")
                .filter(pk=concern_id, acknowledged_at__isnull=True, escalated_at__isnull=True)
                .first()
            )
            if concern is None:
                continue
            concern.escalated_at = moment
            concern.save(update_fields=["escalated_at", "updated_at"])
            audit_record(actor=None, action=AuditAction.CONCERN_ESCALATE, target=concern)
            duo_mail_on_commit(
                concern_mail_send,
                kind="concern_escalated",
                trajectory=concern.trajectory,
                recipients=programme_lead_ids(concern.trajectory),
                base_url=base_url,
            )
            count += 1
    return count
