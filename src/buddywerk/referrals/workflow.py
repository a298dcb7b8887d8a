"""The referral state machine: ONE table of named transitions (ARCHITECTURE.md 4).

    draft -> submitted -> accepted (or declined with a reason, or the waiting list)
    waiting -> accepted / declined
    accepted -> matched -> closed
    matched -> accepted     a declined proposal or a rematch returns it to the queue
    any open status -> withdrawn (by the referring school or service)

The services in services.py take these transitions through `common.workflow`; nothing
else changes a referral's status.
"""

from buddywerk.access import policy
from buddywerk.common.audit import AuditAction as A
from buddywerk.common.workflow import Workflow, transition

from .enums import FINAL_STATUSES, OPEN_STATUSES, QUEUE_STATUSES, TRIAGE_STATUSES
from .enums import ReferralStatus as S
from .models import Referral, ReferralTransition

__all__ = ["FINAL_STATUSES", "OPEN_STATUSES", "QUEUE_STATUSES", "REFERRAL", "TRIAGE_STATUSES"]

REFERRAL = Workflow(
    model=Referral,
    log_model=ReferralTransition,
    log_field="referral",
    states=S,
    transitions=(
        # The referring school or service sends its draft to the programme (R4).
        transition(
            "submit",
            [S.DRAFT],
            S.SUBMITTED,
            action=A.REFERRAL_SUBMIT,
            allowed=policy.is_referrer_staff,
        ),
        # The programme triages: into the matching queue, on the waiting list, or declined.
        transition(
            "accept",
            TRIAGE_STATUSES,
            S.ACCEPTED,
            action=A.REFERRAL_ACCEPT,
            allowed=policy.can_triage_referral,
        ),
        transition(
            "wait",
            [S.SUBMITTED],
            S.WAITING,
            action=A.REFERRAL_WAIT,
            allowed=policy.can_triage_referral,
        ),
        transition(
            "decline",
            TRIAGE_STATUSES,
            S.DECLINED,
            action=A.REFERRAL_DECLINE,
            allowed=policy.can_triage_referral,
        ),
        # Matching: a confirmed proposal starts the duo; a failed one or a rematch requeues.
        transition(
            "match",
            [S.ACCEPTED],
            S.MATCHED,
            action=A.REFERRAL_MATCH,
            allowed=policy.can_triage_referral,
        ),
        transition(
            "requeue",
            [S.MATCHED],
            S.ACCEPTED,
            action=A.REFERRAL_REQUEUE,
            allowed=policy.can_triage_referral,
        ),
        transition(
            "close",
            [S.MATCHED],
            S.CLOSED,
            action=A.REFERRAL_CLOSE,
            allowed=policy.can_triage_referral,
        ),
        transition(
            "withdraw",
            sorted(OPEN_STATUSES),
            S.WITHDRAWN,
            action=A.REFERRAL_WITHDRAW,
            allowed=policy.is_referrer_staff,
        ),
    ),
)
