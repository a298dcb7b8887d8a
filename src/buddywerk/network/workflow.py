"""The practice proposal state machine: ONE table of named transitions (ARCHITECTURE.md 4,
R15).

    unconfirmed -> submitted            the author confirmed their email address
    submitted -> published              a moderator published it (a new version is kept)
    submitted -> changes_requested      a moderator asked the author for changes
    submitted -> rejected               a moderator rejected it, with a reason
    changes_requested -> submitted      the author sent the changed proposal
    changes_requested -> rejected       a moderator closed it after all

The author has no account: their two steps are taken through the secret link in their
mail, by the system. The services in services.py take these transitions through
`common.workflow`.
"""

from buddywerk.access import policy
from buddywerk.common.audit import AuditAction as A
from buddywerk.common.workflow import Workflow, transition

from .models import PracticeSubmission, SubmissionTransition
from .models import SubmissionStatus as S

__all__ = ["MODERATION_STATUSES", "SUBMISSION"]

# What a moderator still has to act on.
MODERATION_STATUSES = (S.SUBMITTED,)

SUBMISSION = Workflow(
    model=PracticeSubmission,
    log_model=SubmissionTransition,
    log_field="submission",
    states=S,
    transitions=(
        transition("confirm", [S.UNCONFIRMED], S.SUBMITTED, action=A.PRACTICE_SUBMISSION_CONFIRM),
        transition(
            "resubmit", [S.CHANGES_REQUESTED], S.SUBMITTED, action=A.PRACTICE_SUBMISSION_RESUBMIT
        ),
        transition(
            "publish",
            [S.SUBMITTED],
            S.PUBLISHED,
            action=A.PRACTICE_SUBMISSION_PUBLISH,
            allowed=policy.can_moderate_practice,
        ),
        transition(
            "request_changes",
            [S.SUBMITTED],
            S.CHANGES_REQUESTED,
            action=A.PRACTICE_SUBMISSION_CHANGES,
            allowed=policy.can_moderate_practice,
        ),
        transition(
            "reject",
            [S.SUBMITTED, S.CHANGES_REQUESTED],
            S.REJECTED,
            action=A.PRACTICE_SUBMISSION_REJECT,
            allowed=policy.can_moderate_practice,
        ),
    ),
)
