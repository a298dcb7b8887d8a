"""The concern state machine (issue 13, point 5): ONE table of named transitions.

    open -> acknowledged               a named person of the programme or the school takes
                                       it up (not the person who raised it)
    acknowledged -> outcome_recorded   what was done: resolved with a note, referred to the
                                       school's care team or an outside service, reported
                                       to the authorities (recorded again to correct it)
    outcome_recorded -> closed         a coordinator of the programme closes the case

There is no way from open or acknowledged to closed: a concern is never closed without an
outcome. Escalations are not states (they do not change who must act): they are dated on
the concern and audited (concern_services.concerns_escalate). Closing the duo does not
touch its concerns: safeguarding outlives the duo (`policy.duo_is_read_only`).
"""

from buddywerk.access import policy
from buddywerk.common.audit import AuditAction as A
from buddywerk.common.workflow import Workflow, transition

from .enums import ConcernStatus as S
from .models import Concern, ConcernTransition

__all__ = ["CONCERN"]

CONCERN = Workflow(
    model=Concern,
    log_model=ConcernTransition,
    log_field="concern",
    states=S,
    transitions=(
        transition(
            "acknowledge",
            [S.OPEN],
            S.ACKNOWLEDGED,
            action=A.CONCERN_ACKNOWLEDGE,
            allowed=policy.can_acknowledge_concern,
        ),
        transition(
            "record_outcome",
            [S.ACKNOWLEDGED, S.OUTCOME_RECORDED],
            S.OUTCOME_RECORDED,
            action=A.CONCERN_RECORD_OUTCOME,
            allowed=policy.can_record_concern_outcome,
        ),
        transition(
            "close",
            [S.OUTCOME_RECORDED],
            S.CLOSED,
            action=A.CONCERN_CLOSE,
            allowed=policy.can_close_concern,
        ),
    ),
)
