"""The safeguarding invariants (issue 13, point 6), checked over the whole database.

`safeguarding_findings` lists what must never hold; `buddywerk check-safeguarding` prints
it and exits non-zero when the list is not empty. Each finding names its kind and the
public ids of the duo (or concern) and buddy, never a participant's name: the output goes
to a terminal, a log and an admin's mail.

- `minor_without_extract`: an active duo with a minor whose buddy may not meet minors
  today (R2: not approved, no extract, or the extract ran out for the duo's programme);
- `past_last_day`: a planned or active duo whose planned end lies after the buddy's last
  available day;
- `declined_buddy`: an active duo whose buddy is declined or suspended (the cascade pauses
  those);
- `urgent_unacknowledged`: an urgent concern nobody acknowledged, past its escalation
  deadline (2 working days).

The scheduled run (`safeguarding_check_run`) mails the platform admins once a day while
there are findings.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from buddywerk.access.recipients import platform_admin_users
from buddywerk.buddies.enums import ScreeningStatus
from buddywerk.buddies.rules import buddy_may_meet_minors
from buddywerk.mail.compose import mail_to_users
from buddywerk.mail.models import OutgoingMail

from .concern_rules import escalation_due_at
from .enums import TrajectoryStatus, Urgency
from .models import Concern, Trajectory

FINDINGS_MAIL_KIND = "trajectories.safeguarding_findings"


@dataclass(frozen=True, order=True)
class Finding:
    kind: str
    subject: str  # the public id of the duo or concern
    buddy: str  # the public id of the buddy

    def line(self) -> str:
        return f"{self.kind}: {self.subject} (buddy {self.buddy})"


def safeguarding_findings(*, now: dt.datetime | None = None) -> list[Finding]:
    """Every broken safeguarding invariant at `now` (default: the current moment)."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    findings: list[Finding] = []
    active = (
        Trajectory.objects.filter(status=TrajectoryStatus.ACTIVE)
        .select_related("buddy", "programme")
        .prefetch_related("participants__referral__family")
        .order_by("pk")
    )
    for duo in active:
        minor = any(p.referral.involves_minor for p in duo.participants.all())
        if minor and not buddy_may_meet_minors(duo.buddy, programme=duo.programme, on=today):
            findings.append(Finding("minor_without_extract", str(duo.uuid), str(duo.buddy.uuid)))
        if duo.buddy.status in (ScreeningStatus.DECLINED, ScreeningStatus.SUSPENDED):
            findings.append(Finding("declined_buddy", str(duo.uuid), str(duo.buddy.uuid)))
    past = (
        Trajectory.objects.filter(
            status__in=[TrajectoryStatus.PLANNED, TrajectoryStatus.ACTIVE],
            buddy__available_until__isnull=False,
            planned_end__gt=F("buddy__available_until"),
        )
        .select_related("buddy")
        .order_by("pk")
    )
    findings += [Finding("past_last_day", str(d.uuid), str(d.buddy.uuid)) for d in past]
    urgent = (
        Concern.objects.filter(urgency=Urgency.URGENT, acknowledged_at__isnull=True)
        .select_related("trajectory__buddy")
        .order_by("pk")
    )
    findings += [
        Finding("urgent_unacknowledged", str(c.uuid), str(c.trajectory.buddy.uuid))
        for c in urgent
        if escalation_due_at(c.raised_at) < now
    ]
    return sorted(findings)


@transaction.atomic
def safeguarding_check_run(*, now: dt.datetime | None = None) -> int:
    """The scheduled run (`buddywerk run-scheduled`): find, and when there is anything, mail
    the platform admins once a day (the run is every 15 minutes; a day that already has
    the mail gets no second one). Returns the number of findings."""
    now = now or timezone.now()
    findings = safeguarding_findings(now=now)
    if not findings:
        return 0
    day_start = timezone.make_aware(dt.datetime.combine(timezone.localdate(now), dt.time.min))
    already = OutgoingMail.objects.filter(
        kind=FINDINGS_MAIL_KIND,
        created_at__gte=day_start,
        created_at__lt=day_start + dt.timedelta(days=1),
    ).exists()
    if not already:
        mail_to_users(
            users=platform_admin_users(),
            template="trajectories/email/safeguarding_findings",
            context={"count": len(findings), "lines": [f.line() for f in findings]},
            kind=FINDINGS_MAIL_KIND,
        )
    return len(findings)
