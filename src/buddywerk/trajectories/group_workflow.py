"""A group activity's life as a state machine (issue 20, point 4).

planned -> held        attendance taken by the programme's coordinator: each attending
                       family's duo gets a held meeting (`group_services`)
planned -> cancelled   cancelled by the coordinator, with a reason
"""

from buddywerk.access import policy
from buddywerk.common.audit import AuditAction as A
from buddywerk.common.workflow import Workflow, transition

from .enums import GroupActivityStatus as S
from .models import GroupActivity, GroupActivityTransition

__all__ = ["GROUP_ACTIVITY"]


GROUP_ACTIVITY = Workflow(
    model=GroupActivity,
    log_model=GroupActivityTransition,
    log_field="activity",
    states=S,
    transitions=(
        transition(
            "hold",
            [S.PLANNED],
            S.HELD,
            action=A.GROUP_ACTIVITY_ATTENDANCE,
            allowed=policy.can_manage_group_activity,
        ),
        transition(
            "cancel",
            [S.PLANNED],
            S.CANCELLED,
            action=A.GROUP_ACTIVITY_CANCEL,
            allowed=policy.can_manage_group_activity,
            reason_required=True,
        ),
    ),
)
