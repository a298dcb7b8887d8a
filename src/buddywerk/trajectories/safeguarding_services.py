"""The safeguarding cascade (issue 13, point 1; R2 over the whole life of a duo).

When screening takes a buddy out (declined, an approval withdrawn, suspended, or an extract
that ran out), every duo and proposal of that buddy follows in the same transaction:

- each planned or active duo is paused by the system with a reason naming the safeguarding
  step (`SafeguardingStep`, in the transition log the programme reads); a duo that was
  already paused is marked too. It is not closed: a coordinator decides what comes next and
  resumes each duo by hand (`trajectory_resume`), never the reinstatement itself;
- a duo paused for safeguarding refuses meetings from the buddy (`trajectory_services`
  `_meeting_guard`), and its planned meetings are cancelled, so the calendar feed no longer
  shows them;
- every open proposal to the buddy is withdrawn; its referral stayed `accepted` while the
  proposal was open, so it is back in the programme's queue at once;
- the school (or service) and the programme's coordinators are mailed that the duo is
  "paused by the programme", and nothing more: the reason is the buddy's, not theirs.

The cascade runs as the system (actor None): the screening decision that causes it is
audited with its actor, and a buddy's duos can lie in programmes the deciding coordinator
does not coordinate.
"""

from __future__ import annotations

from django.db import transaction
from django.urls import reverse

from buddywerk.access.models import Membership, Role, User
from buddywerk.buddies.models import Buddy
from buddywerk.common.audit import AuditAction, audit_record
from buddywerk.mail.compose import mail_to_users, site_url

from .enums import CancelReason, MeetingStatus, SafeguardingStep, TrajectoryStatus
from .models import Meeting, Trajectory
from .services import _take, meeting_cancel_for_safeguarding

__all__ = ["buddy_safeguarding_cascade"]


def _staff(organisation_id: int, role: Role) -> list[User]:
    return [
        m.user
        for m in Membership.objects.active()
        .filter(organisation_id=organisation_id, role=role)
        .select_related("user")
        .order_by("user_id")
    ]


def _mail_paused(trajectory: Trajectory) -> None:
    """No reason, no participant's name: the duo is paused by the programme."""
    users = _staff(trajectory.school_id, Role.SCHOOL_STAFF) + _staff(
        trajectory.programme_id, Role.PROGRAMME_COORDINATOR
    )
    mail_to_users(
        users=users,
        template="trajectories/email/safeguarding_paused",
        context={
            "school": trajectory.school.name,
            "duo_url": site_url(reverse("trajectories:detail", args=[trajectory.uuid])),
        },
        kind="trajectories.safeguarding_paused",
    )


@transaction.atomic
def buddy_safeguarding_cascade(*, buddy: Buddy, step: SafeguardingStep) -> list[Trajectory]:
    """Pause the buddy's running duos, cancel their planned meetings, withdraw the buddy's
    open proposals and mail the partners, in the caller's transaction. Returns the duos it
    paused (or marked). Runs as the system; see the module docstring."""
    from buddywerk.matching.services import proposals_withdraw_for_buddy

    reason = str(step.label)
    touched: list[Trajectory] = []
    duos = (
        Trajectory.objects.select_for_update()
        .filter(
            buddy=buddy,
            status__in=[TrajectoryStatus.PLANNED, TrajectoryStatus.ACTIVE, TrajectoryStatus.PAUSED],
        )
        .select_related("school", "programme")
        .order_by("pk")
    )
    for duo in duos:
        if duo.status == TrajectoryStatus.PAUSED:
            duo.paused_for_safeguarding = True
            duo.save(update_fields=["paused_for_safeguarding", "updated_at"])
            audit_record(
                actor=None,
                action=AuditAction.TRAJECTORY_PAUSE,
                target=duo,
                detail={"safeguarding": step.value, "already_paused": True},
            )
        else:
            duo = _take(
                "safeguarding_pause",
                actor=None,
                trajectory=duo,
                reason=reason,
                extra={"paused_for_safeguarding": True},
            )
        for meeting in Meeting.objects.filter(
            trajectory=duo, status=MeetingStatus.PLANNED
        ).order_by("pk"):
            meeting_cancel_for_safeguarding(meeting=meeting, reason=CancelReason.OTHER)
        _mail_paused(duo)
        touched.append(duo)
    proposals_withdraw_for_buddy(buddy=buddy, reason=reason)
    return touched
