"""The safeguarding invariants (issue 13, point 6), checked over the whole database.

`safeguarding_findings` lists what must never hold; `buddywerk check-safeguarding` prints
it and exits non-zero when the list is not empty. Each finding names its kind and the
public ids of the duo (or concern) and buddy, never a participant's name: the output goes
to a terminal, a log and an admin's mail.

- `minor_without_extract`: an active duo with a minor whose buddy may not meet minors
  today (R2: not approved, no extract, or the extract ran out for the duo's programme);
- `past_last_day`: a planned or active duo whose planned end lies after the buddy's last
  available day;
- `declined_buddy`: an active duo whose buddy is declined (the cascade pauses those);
- `urgent_unacknowledged`: an urgent concern nobody acknowledged, past its escalation
  deadline (2 working days).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import F
from django.utils import timezone

from buddywerk.buddies.enums import ScreeningStatus
from buddywerk.buddies.rules import buddy_may_meet_minors

from .concern_rules import escalation_due_at
from .enums import TrajectoryStatus, Urgency
from .models import Concern, Trajectory


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
        if duo.buddy.status == ScreeningStatus.DECLINED:
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
