"""The buddy screening state machine: ONE table of named transitions (ARCHITECTURE.md 4).

    applied -> approved       a coordinator of a programme the buddy applied to approves
    applied -> declined       ... or declines, with a reason the applicant reads
    approved -> declined      an approval is withdrawn, with a reason
    declined -> applied       a decision is reopened (e.g. after new information)
    approved -> suspended     after a signal, with a reason (issue 13: the duos pause)
    suspended -> approved     reinstated (the paused duos stay paused: a coordinator
                              resumes each one)
    suspended -> declined     ended after the suspension

Screening is decided once per buddy, not per programme (R1 and R2 are facts about the
person); the log row names the programme whose coordinator decided. The services in
services.py take these transitions through `common.workflow`.
"""

from buddywerk.access import policy
from buddywerk.common.audit import AuditAction as A
from buddywerk.common.workflow import Workflow, transition

from .models import Buddy, BuddyStatusChange
from .models import ScreeningStatus as S

__all__ = ["SCREENING"]

SCREENING = Workflow(
    model=Buddy,
    log_model=BuddyStatusChange,
    log_field="buddy",
    states=S,
    transitions=(
        transition(
            "approve",
            [S.APPLIED],
            S.APPROVED,
            action=A.BUDDY_APPROVE,
            allowed=policy.can_screen_buddy,
        ),
        transition(
            "decline",
            [S.APPLIED, S.APPROVED, S.SUSPENDED],
            S.DECLINED,
            action=A.BUDDY_DECLINE,
            allowed=policy.can_screen_buddy,
            reason_required=True,
        ),
        transition(
            "reopen",
            [S.DECLINED],
            S.APPLIED,
            action=A.BUDDY_REOPEN,
            allowed=policy.can_screen_buddy,
        ),
        transition(
            "suspend",
            [S.APPROVED],
            S.SUSPENDED,
            action=A.BUDDY_SUSPEND,
            allowed=policy.can_screen_buddy,
            reason_required=True,
        ),
        transition(
            "reinstate",
            [S.SUSPENDED],
            S.APPROVED,
            action=A.BUDDY_REINSTATE,
            allowed=policy.can_screen_buddy,
        ),
    ),
)
