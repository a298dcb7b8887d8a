"""The study grant's state machine: ONE table (issue 21, point 3; ARCHITECTURE.md 4).

draft -> submitted           the requester (the duo's buddy or mentor, the pupil's school
                             or the programme) sends the request
submitted -> submitted       first approval: one coordinator of the programme, not the
                             requester ("approve_first")
submitted -> approved        second approval: another coordinator, not the requester
                             and not the first; the fund row is locked and must cover
                             the amount (services.grant_approve)
submitted -> refused         one coordinator who did not request it refuses, with a reason
approved -> paid             the payments reach the grant's amount
paid -> justified            a receipt is uploaded
justified -> closed          a coordinator closes the file
"""

from buddywerk.access import policy
from buddywerk.common.audit import AuditAction as A
from buddywerk.common.workflow import Workflow, transition

from .models import Grant, GrantTransition
from .models import GrantStatus as S

__all__ = ["GRANT"]

GRANT = Workflow(
    model=Grant,
    log_model=GrantTransition,
    log_field="grant",
    states=S,
    transitions=(
        transition(
            "submit", [S.DRAFT], S.SUBMITTED, action=A.GRANT_SUBMIT, allowed=policy.can_submit_grant
        ),
        transition(
            "approve_first",
            [S.SUBMITTED],
            S.SUBMITTED,
            action=A.GRANT_APPROVE_FIRST,
            allowed=policy.can_decide_grant,
        ),
        transition(
            "approve",
            [S.SUBMITTED],
            S.APPROVED,
            action=A.GRANT_APPROVE,
            allowed=policy.can_decide_grant,
        ),
        transition(
            "refuse",
            [S.SUBMITTED],
            S.REFUSED,
            action=A.GRANT_REFUSE,
            allowed=policy.can_decide_grant,
            reason_required=True,
        ),
        transition("pay", [S.APPROVED], S.PAID, action=A.GRANT_PAID, allowed=policy.can_pay_grant),
        transition(
            "justify",
            [S.PAID],
            S.JUSTIFIED,
            action=A.GRANT_JUSTIFY,
            allowed=policy.can_justify_grant,
        ),
        transition(
            "close", [S.JUSTIFIED], S.CLOSED, action=A.GRANT_CLOSE, allowed=policy.can_pay_grant
        ),
    ),
)
