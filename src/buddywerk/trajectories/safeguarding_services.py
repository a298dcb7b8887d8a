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

import datetime as dt

from django.db import transaction
from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone

from buddywerk.access.models import REFERRER_STAFF_ROLES, Role
from buddywerk.access.recipients import members
from buddywerk.buddies.enums import ScreeningStatus
from buddywerk.buddies.models import Buddy
from buddywerk.buddies.rules import buddy_extract_valid_until, buddy_may_meet_minors
from buddywerk.common.audit import AuditAction, audit_record
from buddywerk.mail.compose import mail_to_users, site_url
from buddywerk.matching.enums import OPEN_STATUSES
from buddywerk.organisations.models import Programme

from .enums import SafeguardingStep, TrajectoryStatus
from .models import Trajectory
from .services import _take, meetings_cancel_for_safeguarding

__all__ = ["buddy_safeguarding_cascade", "extract_reminders_send", "extracts_expire"]


def _mail_paused(trajectory: Trajectory) -> None:
    """No reason, no participant's name: the duo is paused by the programme."""
    users = members(trajectory.school_id, *REFERRER_STAFF_ROLES) + members(
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


def _duo_has_minor(duo: Trajectory) -> bool:
    return any(p.referral.involves_minor for p in duo.participants.all())


def _pause_for_safeguarding(duo: Trajectory, step: SafeguardingStep) -> Trajectory:
    """Pause one duo (or mark it when already paused), cancel its planned meetings and
    mail the partners, in the caller's transaction; the caller holds the duo's row lock."""
    reason = str(step.label)
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
    meetings_cancel_for_safeguarding(trajectory=duo)
    _mail_paused(duo)
    return duo


def _running_duos(*, lock: bool = True, **filters: object) -> QuerySet[Trajectory]:
    duos = Trajectory.objects.select_for_update(of=("self",)) if lock else Trajectory.objects
    return (
        duos.filter(
            status__in=[TrajectoryStatus.PLANNED, TrajectoryStatus.ACTIVE, TrajectoryStatus.PAUSED],
            **filters,
        )
        .select_related("school", "programme", "buddy")
        .prefetch_related("participants__referral__family")
        .order_by("pk")
    )


@transaction.atomic
def buddy_safeguarding_cascade(*, buddy: Buddy, step: SafeguardingStep) -> list[Trajectory]:
    """Pause the buddy's running duos, cancel their planned meetings, withdraw the buddy's
    open proposals and mail the partners, in the caller's transaction. Returns the duos it
    paused (or marked). Runs as the system; see the module docstring."""
    from buddywerk.matching.services import proposals_withdraw_for_buddy

    touched = [_pause_for_safeguarding(duo, step) for duo in _running_duos(buddy=buddy)]
    proposals_withdraw_for_buddy(buddy=buddy, reason=str(step.label))
    return touched


def extracts_expire(*, today: dt.date | None = None) -> list[Trajectory]:
    """The scheduled pass on the day an extract runs out (R2 over time, issue 13): every
    running duo with a minor whose buddy may no longer meet minors today (for the duo's
    programme) is paused by the cascade, and the open proposals of such a buddy for a minor
    are withdrawn. Duos without a minor go on. A duo already paused for safeguarding is
    left as it is, so the pass runs every 15 minutes without repeating itself.

    The candidates are found without locks; each duo is then locked, checked again and
    paused in its own short transaction. Holding every running duo for the whole pass made
    buddies who log a meeting wait for it every 15 minutes (issue 17's load test)."""
    from buddywerk.matching.services import proposals_withdraw_for_buddy

    today = today or timezone.localdate()
    step = SafeguardingStep.EXTRACT_EXPIRED
    filters = {"paused_for_safeguarding": False, "buddy__extract_seen_on__isnull": False}

    def runs_out(duo: Trajectory) -> bool:
        return _duo_has_minor(duo) and not buddy_may_meet_minors(
            duo.buddy, programme=duo.programme, on=today
        )

    touched: list[Trajectory] = []
    for pk in [duo.pk for duo in _running_duos(lock=False, **filters) if runs_out(duo)]:
        with transaction.atomic():
            duo = _running_duos(pk=pk, **filters).first()
            if duo is not None and runs_out(duo):
                touched.append(_pause_for_safeguarding(duo, step))
    for buddy in Buddy.objects.filter(
        extract_seen_on__isnull=False, proposals__status__in=OPEN_STATUSES
    ).distinct():
        with transaction.atomic():
            proposals_withdraw_for_buddy(
                buddy=buddy,
                reason=str(step.label),
                only=lambda proposal: (
                    proposal.referral.involves_minor
                    and not buddy_may_meet_minors(
                        proposal.buddy, programme=proposal.programme, on=today
                    )
                ),
            )
    return touched


# --- The reminder six weeks before an extract runs out ---------------------------------

EXTRACT_REMINDER_DAYS = 42


def extract_runs_out_soon(buddy: Buddy, programme: Programme, today: dt.date) -> dt.date | None:
    """The extract's last valid day for `programme` when it lies within the next 6 weeks
    (today included), else None."""
    last = buddy_extract_valid_until(buddy, programme)
    if last is None or not today <= last <= today + dt.timedelta(days=EXTRACT_REMINDER_DAYS):
        return None
    return last


def extract_reminders_send(*, today: dt.date | None = None) -> int:
    """Mail each approved buddy whose extract runs out within 6 weeks (for any of their
    programmes), once per extract: `extract_reminded_on` is set, and recording a new
    extract clears it (`buddy_record_extract`). Returns the number of buddies mailed.
    Candidates are found without locks; each is locked and checked again in its own short
    transaction (the pass runs every 15 minutes and must not hold every buddy meanwhile)."""
    today = today or timezone.localdate()
    horizon = today + dt.timedelta(days=EXTRACT_REMINDER_DAYS)

    def candidates(buddies: QuerySet[Buddy]) -> QuerySet[Buddy]:
        return buddies.filter(
            status=ScreeningStatus.APPROVED,
            extract_seen_on__isnull=False,
            extract_reminded_on__isnull=True,
        ).order_by("pk")

    def days_left(buddy: Buddy) -> list[dt.date]:
        return [
            last
            for programme in buddy.programmes.all()
            if (last := buddy_extract_valid_until(buddy, programme)) and today <= last <= horizon
        ]

    due = [b.pk for b in candidates(Buddy.objects.prefetch_related("programmes")) if days_left(b)]
    sent = 0
    for pk in due:
        with transaction.atomic():
            buddy = (
                candidates(Buddy.objects.select_for_update(of=("self",)))
                .select_related("user")
                .filter(pk=pk)
                .first()
            )
            days = days_left(buddy) if buddy is not None else []
            if buddy is None or not days:
                continue
            buddy.extract_reminded_on = today
            buddy.save(update_fields=["extract_reminded_on", "updated_at"])
            mail_to_users(
                users=[buddy.user],
                template="buddies/email/extract_runs_out",
                context={
                    "day": min(days),
                    "profile_url": site_url(reverse("buddies:profile")),
                },
                kind="buddies.extract_runs_out",
            )
            audit_record(
                actor=None,
                action=AuditAction.BUDDY_EXTRACT_REMIND,
                target=buddy,
                detail={"last_valid_day": min(days).isoformat()},
            )
            sent += 1
    return sent
