"""Group activities of a family programme (issue 20, point 4): the coordinator plans one
(date, place, mode), invites several families' duos, and takes attendance afterwards (on a
phone). Each attending family's duo then has a held meeting for it, made with the same
checks as a logged meeting (`services._meeting_guard`, `services._save_meeting`): so the
buddy's hours, the reports and the follow-up count it like any meeting, and a duo counts
one activity once. The status moves through group_workflow.py.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext

from buddywerk.access import policy
from buddywerk.common import clock
from buddywerk.common.audit import AuditAction, audit_record
from buddywerk.common.permissions import check_allowed
from buddywerk.common.vocabulary import MeetingMode
from buddywerk.common.workflow import transition_apply

from .enums import GroupActivityStatus, MeetingStatus, MeetingTopic, TrajectoryStatus
from .group_workflow import GROUP_ACTIVITY
from .models import GroupActivity, GroupActivityInvite, Meeting, Trajectory
from .rollup import duo_months_refresh, lock_duo
from .services import _meeting_guard, _save_meeting

if TYPE_CHECKING:
    from buddywerk.access.models import User
    from buddywerk.organisations.models import Programme


def invitable_duos(programme: Programme) -> list[Trajectory]:
    """The programme's running duos with a family: who can be invited."""
    return list(
        Trajectory.objects.filter(
            programme=programme,
            status=TrajectoryStatus.ACTIVE,
            paused_for_safeguarding=False,
            participants__family__isnull=False,
        )
        .distinct()
        .select_related("buddy__user")
        .prefetch_related("participants__family")
        .order_by("pk")
    )


@transaction.atomic
def group_activity_plan(
    *,
    actor: User,
    programme: Programme,
    title: str,
    date: dt.date,
    start_time: dt.time | None,
    duration_minutes: int,
    mode: str,
    place: str,
    trajectories: Iterable[Trajectory],
    today: dt.date | None = None,
) -> GroupActivity:
    """Plan a group activity and invite several families' duos (running duos of this
    programme with a family). The families that asked for messages are told the day before
    (`mail.family_services.family_meeting_reminders`)."""
    check_allowed(actor, programme.pk in policy.group_activity_programme_ids(actor))
    today = clock.today(today)
    duos = list(trajectories)
    allowed = {duo.pk for duo in invitable_duos(programme)}
    errors: dict[str, list[str]] = {}
    if not title.strip():
        errors["title"] = [gettext("Say what the activity is.")]
    if not place.strip():
        errors["place"] = [gettext("Say where the activity takes place.")]
    if mode not in MeetingMode.values or mode == MeetingMode.ONLINE:
        errors["mode"] = [gettext("A group activity meets at a place: choose where.")]
    if date < today:
        errors["date"] = [gettext("A planned activity lies in the future.")]
    if len(duos) < 2:
        errors["trajectories"] = [gettext("Invite at least two families.")]
    elif any(duo.pk not in allowed for duo in duos):
        errors["trajectories"] = [gettext("Invite only running duos with a family.")]
    if errors:
        raise ValidationError(errors)
    activity = GroupActivity(
        programme=programme,
        title=title.strip(),
        date=date,
        start_time=start_time,
        duration_minutes=duration_minutes,
        mode=mode,
        place=place.strip(),
        created_by=actor,
    )
    activity.full_clean()
    activity.save()
    GroupActivityInvite.objects.bulk_create(
        GroupActivityInvite(activity=activity, trajectory=duo) for duo in duos
    )
    audit_record(
        actor=actor,
        action=AuditAction.GROUP_ACTIVITY_PLAN,
        target=activity,
        detail={"invited": len(duos)},
    )
    return activity


def group_activity_attendance(
    *,
    actor: User,
    activity: GroupActivity,
    attended: Iterable[int],
    today: dt.date | None = None,
    now: dt.datetime | None = None,
) -> GroupActivity:
    """Take attendance once the activity took place: `attended` are the invited duos'
    ids. Each attending duo gets a held meeting (topic: outing), logged by the
    coordinator; the activity becomes held. All or nothing."""
    today = clock.today(today)
    present = set(attended)
    invites = list(activity.invites.select_related("trajectory"))
    invited = {invite.trajectory_id for invite in invites}

    def check(locked: GroupActivity) -> None:
        if locked.date > today:
            raise ValidationError(
                {"attended": [gettext("Attendance is taken once the activity took place.")]}
            )
        if present - invited:
            raise ValidationError({"attended": [gettext("Only invited families can attend.")]})

    def update(locked: GroupActivity, moment: dt.datetime) -> list[str]:
        for invite in sorted(invites, key=lambda i: i.trajectory_id):
            invite.attended = invite.trajectory_id in present
            invite.save(update_fields=["attended", "updated_at"])
            if invite.attended:
                _meeting_for(locked, invite.trajectory, actor=actor, today=today, now=moment)
        return []

    held: GroupActivity = transition_apply(
        GROUP_ACTIVITY,
        "hold",
        obj=activity,
        actor=actor,
        check=check,
        update=update,
        detail={"invited": len(invited), "attended": len(present)},
        now=clock.now(now),
    )
    return held


def _meeting_for(
    activity: GroupActivity,
    trajectory: Trajectory,
    *,
    actor: User,
    today: dt.date,
    now: dt.datetime,
) -> Meeting:
    """The duo's held meeting for the activity, with the checks of a logged meeting."""
    try:
        _meeting_guard(trajectory)
    except ValidationError as exc:
        raise ValidationError(
            {
                "attended": [
                    gettext("A duo cannot log this meeting now (%(why)s).")
                    % {"why": " ".join(exc.messages)}
                ]
            }
        ) from exc
    lock_duo(trajectory.pk)
    meeting = Meeting(
        trajectory=trajectory,
        date=activity.date,
        start_time=activity.start_time,
        status=MeetingStatus.HAPPENED,
        duration_minutes=activity.duration_minutes,
        topics=[MeetingTopic.OUTING],
        group_activity=activity,
        logged_by=actor,
        logged_at=now,
    )
    try:
        _save_meeting(meeting=meeting, trajectory=trajectory, today=today)
    except ValidationError as exc:
        raise ValidationError({"attended": exc.messages}) from exc
    duo_months_refresh(trajectory_id=trajectory.pk, days=[meeting.date])
    audit_record(actor=actor, action=AuditAction.MEETING_LOG, target=meeting)
    return meeting


def group_activity_cancel(
    *, actor: User, activity: GroupActivity, reason: str, now: dt.datetime | None = None
) -> GroupActivity:
    """Cancel a planned activity, with a reason."""
    cancelled: GroupActivity = transition_apply(
        GROUP_ACTIVITY, "cancel", obj=activity, actor=actor, reason=reason, now=clock.now(now)
    )
    return cancelled


__all__ = [
    "GroupActivityStatus",
    "group_activity_attendance",
    "group_activity_cancel",
    "group_activity_plan",
    "invitable_duos",
]
