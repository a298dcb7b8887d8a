"""Writes of concerns about a duo: raised with an urgency by a person or by a low
well-being score, acknowledged by a named person, escalated when nobody did (to the
programme's lead after 2 working days, an urgent one to the regional coordinator after 5),
given an outcome and closed by a named person (issue 13, point 5). The case's steps go
through the CONCERN workflow (concern_workflow.py), which logs and audits each.

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
from buddywerk.access.models import REFERRER_STAFF_ROLES, Membership, Role, User
from buddywerk.access.recipients import platform_admin_users
from buddywerk.common import clock
from buddywerk.common.audit import AuditAction, audit_record
from buddywerk.common.permissions import check_allowed
from buddywerk.common.workflow import transition_apply
from buddywerk.mail.compose import mail_to_users, site_url
from buddywerk.organisations.models import Organisation, OrganisationKind

from .concern_rules import escalation_due_at, is_act_now, region_escalation_due_at
from .concern_workflow import CONCERN
from .enums import ConcernOrigin, ConcernOutcome, ConcernStatus, Side, Urgency
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


def member_ids(
    organisation_id: int, role: str | tuple[str, ...], *, lead_only: bool = False
) -> set[int]:
    """The users with an active membership of `role` (or one of several roles) in the
    organisation (its leads only with `lead_only`)."""
    roles = (role,) if isinstance(role, str) else role
    qs = Membership.objects.active().filter(organisation_id=organisation_id, role__in=roles)
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


def regional_coordinator_ids(trajectory: Trajectory) -> set[int]:
    """The regional coordinators of the programme's province; without one (or without a
    province), the platform admins: a second escalation must reach someone too."""
    province_id = trajectory.programme.province_id
    regions = (
        Organisation.objects.filter(kind=OrganisationKind.REGION, province_id=province_id)
        if province_id
        else Organisation.objects.none()
    )
    ids = set(
        Membership.objects.active()
        .filter(organisation__in=regions, role=Role.REGIONAL_COORDINATOR)
        .values_list("user_id", flat=True)
    )
    if ids:
        return ids
    return set(platform_admin_users().values_list("pk", flat=True))


def school_care_coordinator_ids(trajectory: Trajectory) -> set[int]:
    """The school's care coordinator: its school staff lead (access Membership.is_lead);
    for a family's duo, the lead of the service that referred it."""
    return member_ids(trajectory.school_id, REFERRER_STAFF_ROLES, lead_only=True)


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
    CONCERN.log_start(concern, actor=actor, at=concern.raised_at)
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
    CONCERN.log_start(concern, actor=actor, at=concern.raised_at)
    audit_record(actor=actor, action=AuditAction.CONCERN_RAISE_WELLBEING, target=concern)
    _notify_urgent(concern, actor_id=actor.pk if actor is not None else None)
    return concern


def _lock(concern: Concern) -> Concern:
    return Concern.objects.select_for_update().select_related("trajectory").get(pk=concern.pk)


def _who(user: User | None) -> str:
    return (user.get_full_name() or user.email) if user is not None else gettext("the system")


def _refuse_if_closed(concern: Concern) -> None:
    if concern.status == ConcernStatus.CLOSED:
        raise ValidationError(
            _("This concern was already closed by %(who)s on %(when)s. Nothing was changed.")
            % {
                "who": _who(concern.closed_by),
                "when": f"{timezone.localtime(concern.closed_at):%d/%m/%Y %H:%M}"
                if concern.closed_at
                else "",
            },
            code="closed",
        )


@transaction.atomic
def concern_acknowledge(
    *, actor: User, concern: Concern, note: str = "", now: dt.datetime | None = None
) -> Concern:
    """A named person of the programme or the school takes up the concern: who and when
    are recorded, with what will be done. Also on a closed duo (safeguarding outlives it)."""
    locked = _lock(concern)
    check_allowed(actor, policy.can_acknowledge_concern(actor, locked))
    if locked.acknowledged_at is not None:
        raise ValidationError(_("This concern was already acknowledged."), code="acknowledged")
    acknowledgement = short_text(note, field="acknowledgement", required=False)

    def update(row: Concern, moment: dt.datetime) -> list[str]:
        row.acknowledgement = acknowledgement
        row.acknowledged_by = actor
        row.acknowledged_at = moment
        return ["acknowledgement", "acknowledged_by", "acknowledged_at"]

    done: Concern = transition_apply(
        CONCERN, "acknowledge", obj=locked, actor=actor, update=update, now=clock.now(now)
    )
    concern.refresh_from_db()
    return done


@transaction.atomic
def concern_record_outcome(
    *, actor: User, concern: Concern, outcome: str, note: str = "", now: dt.datetime | None = None
) -> Concern:
    """What was done about an acknowledged concern: resolved (with a note saying how),
    referred to the school's care team or an outside service, or reported to the
    authorities. Recorded again, it corrects the outcome until the concern is closed."""
    locked = _lock(concern)
    check_allowed(actor, policy.can_record_concern_outcome(actor, locked))
    _refuse_if_closed(locked)
    if locked.status == ConcernStatus.OPEN:
        raise ValidationError(
            _(
                "Acknowledge the concern first: someone takes it up before an outcome is "
                "recorded. Nothing was changed."
            ),
            code="not_acknowledged",
        )
    if outcome not in ConcernOutcome.values:
        raise ValidationError({"outcome": _("Choose what was done.")})
    text = short_text(note, field="note", required=outcome == ConcernOutcome.RESOLVED)

    def update(row: Concern, moment: dt.datetime) -> list[str]:
        row.outcome = outcome
        row.outcome_note = text
        row.outcome_by = actor
        row.outcome_at = moment
        return ["outcome", "outcome_note", "outcome_by", "outcome_at"]

    done: Concern = transition_apply(
        CONCERN,
        "record_outcome",
        obj=locked,
        actor=actor,
        update=update,
        detail={"outcome": outcome},
        now=clock.now(now),
    )
    concern.refresh_from_db()
    return done


@transaction.atomic
def concern_close(*, actor: User, concern: Concern, now: dt.datetime | None = None) -> Concern:
    """A named coordinator of the programme closes the case, once it has an outcome. A
    second close is refused with who closed it and when, and changes nothing."""
    locked = _lock(concern)
    check_allowed(actor, policy.can_close_concern(actor, locked))
    _refuse_if_closed(locked)
    if locked.status != ConcernStatus.OUTCOME_RECORDED:
        raise ValidationError(
            _(
                "A concern is closed only with an outcome: record what was done first. "
                "Nothing was changed."
            ),
            code="no_outcome",
        )

    def update(row: Concern, moment: dt.datetime) -> list[str]:
        row.closed_by = actor
        row.closed_at = moment
        return ["closed_by", "closed_at"]

    done: Concern = transition_apply(
        CONCERN,
        "close",
        obj=locked,
        actor=actor,
        update=update,
        detail={"outcome": locked.outcome},
        now=clock.now(now),
    )
    concern.refresh_from_db()
    return done


def concerns_escalate(*, now: dt.datetime | None = None) -> int:
    """Concerns not acknowledged within 2 working days (weekends skipped) go to the
    programme's lead coordinator, once; urgent ones still not acknowledged within 5 working
    days go to the regional coordinator, once (`concerns_escalate_region`). Returns how
    many escalated to the lead."""
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


def concerns_escalate_region(*, now: dt.datetime | None = None) -> int:
    """Urgent concerns still not acknowledged 5 working days after they were raised go to
    the regional coordinator of the programme's province, once. Regional coordinators see
    no duo (aggregates only), so their mail names the programme and its lead to call, not
    the duo: no link, no pupil. Returns how many escalated."""
    moment = clock.now(now)
    candidates = Concern.objects.open().filter(
        urgency=Urgency.URGENT,
        escalated_region_at__isnull=True,
        raised_at__lte=moment - dt.timedelta(days=5),
    )
    count = 0
    for concern_id, raised_at in candidates.values_list("pk", "raised_at"):
        if moment < region_escalation_due_at(timezone.localtime(raised_at)):
            continue
        with transaction.atomic():
            concern = (
                Concern.objects.select_for_update()
                .select_related("trajectory__programme")
                .filter(
                    pk=concern_id,
                    acknowledged_at__isnull=True,
                    escalated_region_at__isnull=True,
                )
                .first()
            )
            if concern is None:
                continue
            concern.escalated_region_at = moment
            concern.save(update_fields=["escalated_region_at", "updated_at"])
            audit_record(actor=None, action=AuditAction.CONCERN_ESCALATE_REGION, target=concern)
            trajectory = concern.trajectory
            leads = User.objects.filter(pk__in=programme_lead_ids(trajectory)).order_by("pk")
            mail_to_users(
                users=User.objects.filter(
                    pk__in=regional_coordinator_ids(trajectory), is_active=True
                ).order_by("pk"),
                template="trajectories/email/concern_escalated_region",
                kind="trajectories.concern_escalated_region",
                context={
                    "programme": trajectory.programme.name,
                    "raised_on": f"{timezone.localtime(concern.raised_at):%d/%m/%Y}",
                    "leads": [f"{u.get_full_name() or u.email} <{u.email}>" for u in leads],
                },
            )
            count += 1
    return count
