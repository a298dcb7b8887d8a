"""The planned meeting's one decision as a state machine (issue 16, point 3).

    planned -> cancelled   cancelled ahead of time by the buddy or the coordinator of the
                           duo, with a reason (`meeting_services.meeting_cancel`)

Logging what happened (planned -> happened or cancelled after the day) is a fact the buddy
records and corrects within the programme's correction days (`services.meeting_update`);
the safeguarding cascade cancels planned meetings as the system
(`services.meetings_cancel_for_safeguarding`). Moving a planned meeting changes its date,
not its status (`meeting_services.meeting_move`).
"""

from buddywerk.access import policy
from buddywerk.common.audit import AuditAction as A
from buddywerk.common.workflow import Workflow, transition

from .enums import MeetingStatus as S
from .models import Meeting, MeetingTransition

__all__ = ["MEETING"]


MEETING = Workflow(
    model=Meeting,
    log_model=MeetingTransition,
    log_field="meeting",
    states=S,
    transitions=(
        transition(
            "cancel",
            [S.PLANNED],
            S.CANCELLED,
            action=A.MEETING_CANCEL,
            allowed=policy.can_change_planned_meeting,
            reason_required=True,
        ),
    ),
)
