"""The state machine of an expense claim (issue 21, point 4; ARCHITECTURE.md 4).

draft -> submitted (the buddy) -> approved or refused (a coordinator of the programme, not
the claimant; a refusal says why) -> paid (a coordinator, once the bank transfer is made).
A submitted claim can go back to draft when the buddy wants to change it.
"""

from __future__ import annotations

from buddywerk.access import policy
from buddywerk.common.audit import AuditAction as A
from buddywerk.common.workflow import Workflow, transition

from .models import ClaimStatus as S
from .models import ExpenseClaim, ExpenseClaimTransition

__all__ = ["CLAIM"]

CLAIM = Workflow(
    model=ExpenseClaim,
    log_model=ExpenseClaimTransition,
    log_field="claim",
    states=S,
    transitions=(
        transition(
            "submit",
            [S.DRAFT],
            S.SUBMITTED,
            action=A.EXPENSE_CLAIM_SUBMIT,
            allowed=policy.is_expense_claimant,
        ),
        transition(
            "reopen",
            [S.SUBMITTED],
            S.DRAFT,
            action=A.EXPENSE_CLAIM_REOPEN,
            allowed=policy.is_expense_claimant,
        ),
        transition(
            "approve",
            [S.SUBMITTED],
            S.APPROVED,
            action=A.EXPENSE_CLAIM_APPROVE,
            allowed=policy.can_decide_expense_claim,
        ),
        transition(
            "refuse",
            [S.SUBMITTED],
            S.REFUSED,
            action=A.EXPENSE_CLAIM_REFUSE,
            allowed=policy.can_decide_expense_claim,
            reason_required=True,
        ),
        transition(
            "pay",
            [S.APPROVED],
            S.PAID,
            action=A.EXPENSE_CLAIM_PAY,
            allowed=policy.can_decide_expense_claim,
        ),
    ),
)
