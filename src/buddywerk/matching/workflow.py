"""The proposal state machine: ONE table of named transitions (ARCHITECTURE.md 4).

    pending  -> accepted (the buddy says yes) -> confirmed (the school or service says yes:
                the duo starts)
    pending  -> declined (the buddy says no, with a reason)
    accepted -> refused  (the school or service says no, with a reason)
    pending / accepted -> expired (nobody answered in time; a reminder went out first)
    pending / accepted -> withdrawn (the buddy was declined or suspended: safeguarding)

Declined, refused and expired proposals leave the referral in the programme's queue (it
stays `accepted` while a proposal is open, so nothing needs to be requeued). The services
in services.py take these transitions through `common.workflow`.
"""

from buddywerk.access import policy
from buddywerk.common.audit import AuditAction as A
from buddywerk.common.workflow import Workflow, transition

from .enums import OPEN_STATUSES
from .enums import ProposalStatus as S
from .models import Proposal, ProposalTransition

__all__ = ["OPEN_STATUSES", "PROPOSAL"]

PROPOSAL = Workflow(
    model=Proposal,
    log_model=ProposalTransition,
    log_field="proposal",
    states=S,
    transitions=(
        transition(
            "accept",
            [S.PENDING],
            S.ACCEPTED,
            action=A.PROPOSAL_ACCEPT,
            allowed=policy.is_proposal_buddy,
        ),
        transition(
            "decline",
            [S.PENDING],
            S.DECLINED,
            action=A.PROPOSAL_DECLINE,
            allowed=policy.is_proposal_buddy,
            reason_required=True,
        ),
        # The school keeps central direction of the pupil's learning (R4): it confirms.
        transition(
            "confirm",
            [S.ACCEPTED],
            S.CONFIRMED,
            action=A.PROPOSAL_CONFIRM,
            allowed=policy.can_confirm_proposal,
        ),
        transition(
            "refuse",
            [S.ACCEPTED],
            S.REFUSED,
            action=A.PROPOSAL_REFUSE,
            allowed=policy.can_confirm_proposal,
            reason_required=True,
        ),
        # Only the scheduled pass lets a proposal expire (no predicate: the system).
        transition("expire", OPEN_STATUSES, S.EXPIRED, action=A.PROPOSAL_EXPIRE),
        # Only the system withdraws: the safeguarding cascade (screening decided it) or a
        # withdrawn consent (R18, referrals.consent_services.consent_withdraw).
        transition(
            "withdraw",
            OPEN_STATUSES,
            S.WITHDRAWN,
            action=A.PROPOSAL_WITHDRAW,
            reason_required=True,
        ),
    ),
)
