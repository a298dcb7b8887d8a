"""The erasure request's state machine (issue 15 point 4), one table:

requested -> confirmed   a second person (never the requester) confirms
requested -> refused     the same second person refuses, with a reason
requested -> cancelled   the requester takes it back
confirmed -> done        the daily run erased the data (the system only)
"""

from buddywerk.access import policy
from buddywerk.common.audit import AuditAction as A
from buddywerk.common.workflow import Workflow, transition

from .erasure_models import ErasureRequest, ErasureTransition
from .erasure_models import ErasureStatus as S

ERASURE = Workflow(
    model=ErasureRequest,
    log_model=ErasureTransition,
    log_field="request",
    states=S,
    transitions=(
        transition(
            "confirm",
            [S.REQUESTED],
            S.CONFIRMED,
            action=A.ERASURE_CONFIRM,
            allowed=policy.can_confirm_erasure,
        ),
        transition(
            "refuse",
            [S.REQUESTED],
            S.REFUSED,
            action=A.ERASURE_REFUSE,
            allowed=policy.can_refuse_erasure,
            reason_required=True,
        ),
        transition(
            "cancel",
            [S.REQUESTED],
            S.CANCELLED,
            action=A.ERASURE_CANCEL,
            allowed=policy.can_cancel_erasure,
        ),
        transition("done", [S.CONFIRMED], S.DONE, action=A.ERASURE_DONE),
    ),
)
