"""Plan, cancel, correct (issue 16, points 2 and 3).

- A planned meeting is cancelled ahead of time, with a reason, through the kernel
  (`meeting_workflow.MEETING`, "cancel"), or moved to a new date and time; by the buddy or
  the coordinator of the duo (`policy.can_change_planned_meeting`). Neither on a closed
  duo nor on one paused for safeguarding (its planned meetings were cancelled by the
  system already).
- A duo that meets at school: the school's staff are mailed when a meeting is planned
  (`meeting_plan_inform_school`, called by `services.meeting_plan`), and again when that
  meeting is moved or cancelled. A meeting the school was never told about is changed
  without a mail.
- Who logged a meeting deletes it within the programme's correction days
  (`Programme.correction_days`, default 7; `policy.can_correct_meeting`); correcting it is
  `services.meeting_update`, in the same window.

Every write is audited with its actor in its own transaction; the mail is an outbox row in
the same transaction (ARCHITECTURE.md 5).
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils.formats import date_format, time_format
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from buddywerk.access import policy
from buddywerk.access.models import REFERRER_STAFF_ROLES, Membership
from buddywerk.common import clock
from buddywerk.common.audit import AuditAction, audit_record
from buddywerk.common.permissions import check_allowed
from buddywerk.common.vocabulary import MeetingMode
from buddywerk.common.workflow import transition_apply
from buddywerk.mail.compose import mail_to_users, site_url
from buddywerk.mail.family_services import family_message_write, moment_context
from buddywerk.mail.models import FamilyMessageKind

from .enums import CancelReason, MeetingStatus
from .meeting_workflow import MEETING
from .models import Meeting, Trajectory
from .read_only import SAFEGUARDING_PAUSED_MESSAGE, duo_refuse_if_read_only
from .rollup import duo_months_refresh, lock_duo

if TYPE_CHECKING:
    from buddywerk.access.models import User

__all__ = [
    "meeting_cancel",
    "meeting_delete",
    "meeting_move",
    "meeting_plan_inform_school",
    "meeting_refuse_if_from_group_activity",
]

LOCKED_MESSAGE = _("This meeting can no longer be changed: the days to correct it are over.")
GROUP_MEETING_MESSAGE = _(
    "This meeting comes from the attendance of a group activity: its date and status "
    "cannot be changed, and it cannot be deleted. Is the attendance wrong? Contact the "
    "programme coordinator."
)


def meeting_refuse_if_from_group_activity(meeting: Meeting) -> None:
    """A group activity's meeting says the family attended it (rules.md, issue 20): the
    attendance is its only source, so its date and status stay and it is not deleted."""
    if meeting.group_activity_id is not None:
        raise ValidationError(GROUP_MEETING_MESSAGE, code="group_activity")


def _school_staff(trajectory: Trajectory) -> list[User]:
    return [
        m.user
        for m in Membership.objects.filter(
            organisation_id=trajectory.school_id,
            role__in=REFERRER_STAFF_ROLES,
            user__is_active=True,
        )
        .select_related("user")
        .order_by("user_id")
    ]


def _moment(meeting: Meeting) -> str:
    day = date_format(meeting.date, "DATE_FORMAT")
    if meeting.start_time is None:
        return day
    return gettext("%(day)s at %(time)s") % {
        "day": day,
        "time": time_format(meeting.start_time, "H:i"),
    }


def _mail_school(meeting: Meeting, *, what: str, before: str = "", reason: str = "") -> None:
    trajectory = meeting.trajectory
    mail_to_users(
        users=_school_staff(trajectory),
        template=f"trajectories/email/meeting_{what}",
        context={
            "school": trajectory.school.name,
            "moment": _moment(meeting),
            "before": before,
            "reason": reason,
            "duo_url": site_url(reverse("trajectories:detail", args=[trajectory.uuid])),
        },
        kind=f"trajectories.meeting_{what}",
    )


def meeting_plan_inform_school(meeting: Meeting, *, now: dt.datetime | None = None) -> None:
    """A duo that meets at school: its staff learn when the buddy comes (in the caller's
    transaction). The meeting remembers it, so a move or a cancellation is mailed too."""
    if meeting.trajectory.mode != MeetingMode.SCHOOL:
        return
    _mail_school(meeting, what="planned")
    meeting.school_informed_at = clock.now(now)
    meeting.save(update_fields=["school_informed_at", "updated_at"])


def _tell_family_moved(meeting: Meeting) -> None:
    """Issue 20: a family's contact person who asked for messages hears of the new date
    (through the outbox, once per new moment)."""
    trajectory = meeting.trajectory
    when = f"{meeting.date.isoformat()}T{meeting.start_time or ''}"
    for participant in trajectory.participants.filter(family__isnull=False).select_related(
        "family"
    ):
        if participant.family is None:
            continue
        family_message_write(
            family=participant.family,
            programme=trajectory.programme,
            kind=FamilyMessageKind.DATE_CHANGED,
            key=f"moved:meeting:{meeting.pk}:{when}",
            context=moment_context(
                date=meeting.date, start_time=meeting.start_time, place=trajectory.place
            ),
        )


def _refuse_change_of_plan(trajectory: Trajectory) -> None:
    duo_refuse_if_read_only(trajectory)
    if trajectory.paused_for_safeguarding:
        raise ValidationError(SAFEGUARDING_PAUSED_MESSAGE, code="safeguarding_paused")


@transaction.atomic
def meeting_cancel(
    *,
    actor: User,
    meeting: Meeting,
    cancel_reason: str,
    reason: str,
    now: dt.datetime | None = None,
) -> Meeting:
    """Cancel a planned meeting ahead of time (issue 16, point 3): `cancel_reason` is the
    kind (pupil absent, ...), `reason` the words the other side reads; both required. The
    school is mailed when it was told of the plan."""
    trajectory = meeting.trajectory
    _refuse_change_of_plan(trajectory)
    if cancel_reason not in CancelReason.values:
        raise ValidationError({"cancel_reason": _("Why is the meeting cancelled?")})

    def update(locked: Meeting, _now: dt.datetime) -> list[str]:
        locked.cancel_reason = cancel_reason
        return ["cancel_reason"]

    locked: Meeting = transition_apply(
        MEETING,
        "cancel",
        obj=meeting,
        actor=actor,
        reason=reason,
        update=update,
        lock_first=lambda: lock_duo(trajectory.pk),
        now=clock.now(now),
    )
    duo_months_refresh(trajectory_id=trajectory.pk, days=[locked.date])
    if locked.school_informed_at is not None:
        _mail_school(locked, what="cancelled", reason=reason.strip())
    return locked


@transaction.atomic
def meeting_move(
    *,
    actor: User,
    meeting: Meeting,
    date: dt.date,
    start_time: dt.time | None,
    reason: str = "",
    today: dt.date | None = None,
) -> Meeting:
    """Move a planned meeting to a new date and time (issue 16, point 3); the status stays
    planned. The same rules as planning it: in the future, within the duo's dates."""
    trajectory = meeting.trajectory
    check_allowed(actor, policy.can_change_planned_meeting(actor, meeting))
    _refuse_change_of_plan(trajectory)
    lock_duo(trajectory.pk)
    locked = Meeting.objects.select_for_update().get(pk=meeting.pk)
    if locked.status != MeetingStatus.PLANNED:
        raise ValidationError(_("Only a planned meeting can be moved."), code="not_planned")
    today = clock.today(today)
    errors: dict[str, list[str]] = {}
    if date < today:
        errors["date"] = [gettext("A planned meeting lies in the future.")]
    elif date < trajectory.planned_start:
        errors["date"] = [gettext("This date is before the start of the duo.")]
    elif date > trajectory.planned_end:
        errors["date"] = [gettext("This date is after the planned end of the duo.")]
    if (date, start_time) == (locked.date, locked.start_time):
        errors.setdefault("date", []).append(gettext("Choose another date or time."))
    if errors:
        raise ValidationError(errors)
    before = _moment(locked)
    old_date = locked.date
    locked.date = date
    locked.start_time = start_time
    locked.full_clean(exclude=["trajectory"])
    locked.save(update_fields=["date", "start_time", "updated_at"])
    duo_months_refresh(trajectory_id=trajectory.pk, days=[old_date, date])
    audit_record(
        actor=actor,
        action=AuditAction.MEETING_MOVE,
        target=locked,
        detail={"from": old_date.isoformat(), "to": date.isoformat()},
    )
    if locked.school_informed_at is not None:
        _mail_school(locked, what="moved", before=before, reason=reason.strip())
    _tell_family_moved(locked)
    meeting.refresh_from_db()
    return locked


@transaction.atomic
def meeting_delete(*, actor: User, meeting: Meeting, now: dt.datetime | None = None) -> None:
    """Who logged a meeting deletes it within the programme's correction days (issue 16,
    point 2): a meeting logged twice or by mistake (a planned one is cancelled instead: it
    has no one who logged it). Its quick well-being check goes with
    it (it was given in the same form); the month's figures are counted again. Not on a
    closed duo, nor on one paused for safeguarding (rules.md: it refuses meetings)."""
    trajectory = meeting.trajectory
    check_allowed(actor, policy.can_correct_meeting(actor, meeting))
    _refuse_change_of_plan(trajectory)
    lock_duo(trajectory.pk)
    locked = Meeting.objects.select_for_update().get(pk=meeting.pk)
    if locked.is_locked(clock.now(now), days=trajectory.programme.correction_days):
        raise ValidationError(LOCKED_MESSAGE, code="locked")
    meeting_refuse_if_from_group_activity(locked)
    day = locked.date
    audit_record(
        actor=actor,
        action=AuditAction.MEETING_DELETE,
        target=locked,
        detail={"date": day.isoformat(), "status": locked.status},
    )
    locked.wellbeing_scores.all().delete()
    locked.delete()
    duo_months_refresh(trajectory_id=trajectory.pk, days=[day])
