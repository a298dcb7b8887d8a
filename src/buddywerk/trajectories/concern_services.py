"""Writes of concerns about a duo: raised with an urgency by a person or by a low
well-being score, acknowledged by a named person, escalated when nobody did.

Concerns stay beside the duo (a well-being score of 1 or 2 opens one inside
`wellbeing_record`). The helpers above the concern services (who wrote something, which
side they are on, who is told, short texts, the duo's mail) are public because the
follow-up app (buddywerk.followup), which builds on trajectories, writes its tandem notes,
kijkwijzers and reminders with them.

Same shape as services.py: keyword-only, validated, one transaction, an audit event, and
the mail written to the outbox in that transaction. `now` may be passed (fake clock in
tests).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from buddywerk.access import policy
from buddywerk.access.models import Membership, Role, User
from buddywerk.common import clock
from buddywerk.common.audit import AuditAction, audit_record
from buddywerk.common.permissions import check_allowed
from buddywerk.mail.compose import mail_to_users, site_url

from .concern_rules import escalation_due_at, is_act_now
from .enums import ConcernOrigin, Side, Urgency
from .models import NOTE_MAX_CHARS, Concern
from .read_only import CONCERN_CLOSED_MESSAGE, duo_refuse_if_read_only

if TYPE_CHECKING:
    from .models import Trajectory, WellbeingScore


def duo_mail(
    *, template: str, kind: str, trajectory: Trajectory, recipients: Iterable[int]
) -> None:
    """Write one mail per active recipient (user ids), each in their language, with a link
    to the duo's page, in the caller's transaction (it rolls back with the write). `template`
    names the `..._subject.txt`/`..._body.txt` pair and `kind` the mail in the outbox. No
    mail names a pupil or a family, nor quotes what was written: it only points to the duo.
    Shared by the concern mails and the follow-up's (buddywerk.followup)."""
    ids = set(recipients)
    if not ids:
        return
    mail_to_users(
        users=User.objects.filter(pk__in=ids, is_active=True).order_by("pk"),
        template=template,
        kind=kind,
        context={"link": site_url(reverse("trajectories:detail", args=[trajectory.uuid]))},
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


def _notify_urgent(concern: Concern, *, actor_id: int | None) -> None:
    trajectory = concern.trajectory
    recipients = coordinator_ids(trajectory) | school_care_coordinator_ids(trajectory)
    concern_mail(kind="urgent_concern", trajectory=trajectory, recipients=recipients - {actor_id})


def concern_mail(*, kind: str, trajectory: Trajectory, recipients: Iterable[int]) -> None:
    """An urgent concern (`urgent_concern`), or one that escalated (`concern_escalated`)."""
    duo_mail(
        template=f"trajectories/email/{kind}",
        kind=f"trajectories.{kind}",
        trajectory=trajectory,
        recipients=recipients,
    )


@transaction.atomic
def concern_raise(
    *,
    actor: User,
    trajectory: Trajectory,
    urgency: str,
    text: str,
    now: dt.datetime | None = None,
) -> Concern:
    """The buddy, the school or the coordinator raises a concern with an urgency. An urgent
    one is mailed at once (in this transaction) to the programme's coordinators and the school's
    care coordinator. Never on a closed duo."""
    check_allowed(actor, policy.can_raise_concern(actor, trajectory))
    duo_refuse_if_read_only(trajectory, CONCERN_CLOSED_MESSAGE)
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
        _notify_urgent(concern, actor_id=actor.pk)
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
    _notify_urgent(concern, actor_id=actor.pk if actor is not None else None)
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


def concerns_escalate(*, now: dt.datetime | None = None) -> int:
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
            concern_mail(
                kind="concern_escalated",
                trajectory=concern.trajectory,
                recipients=programme_lead_ids(concern.trajectory),
            )
            count += 1
    return count
