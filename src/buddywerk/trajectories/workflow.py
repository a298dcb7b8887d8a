"""The trajectory (duo) state machine: ONE table of named transitions (ARCHITECTURE.md 4).

    planned -> active     the buddy and the school confirmed the agreements (R9)
    active <-> paused     e.g. a long illness or the holidays
    planned, active -> paused   safeguarding: the buddy was declined or suspended (the
                          system, in the screening decision's transaction; a coordinator
                          resumes each duo by hand)
    paused -> planned     resuming a duo that was paused before it started: the
                          agreements still come first (R9)
    planned, active, paused -> closed   with a reason (R7: closure is planned)

A closed duo is read-only. The services in services.py take these transitions through
`common.workflow`; nothing else changes a duo's status.
"""

from buddywerk.access import policy
from buddywerk.common.audit import AuditAction as A
from buddywerk.common.workflow import Workflow, transition

from .enums import LOGGING_STATUSES
from .enums import TrajectoryStatus as S
from .models import Trajectory, TrajectoryTransition

__all__ = ["LOGGING_STATUSES", "TRAJECTORY"]

TRAJECTORY = Workflow(
    model=Trajectory,
    log_model=TrajectoryTransition,
    log_field="trajectory",
    states=S,
    transitions=(
        # The last of the two confirmations of the agreements activates the duo (R9); the
        # coordinator activates it when the parents' consent came in after both.
        transition(
            "activate",
            [S.PLANNED],
            S.ACTIVE,
            action=A.TRAJECTORY_ACTIVATE,
            allowed=policy.can_activate_trajectory,
        ),
        transition(
            "pause",
            [S.ACTIVE],
            S.PAUSED,
            action=A.TRAJECTORY_PAUSE,
            allowed=policy.can_manage_trajectory,
            reason_required=True,
        ),
        transition(
            "safeguarding_pause",
            [S.PLANNED, S.ACTIVE],
            S.PAUSED,
            action=A.TRAJECTORY_PAUSE,
            reason_required=True,
        ),
        transition(
            "resume",
            [S.PAUSED],
            S.ACTIVE,
            action=A.TRAJECTORY_RESUME,
            allowed=policy.can_manage_trajectory,
        ),
        transition(
            "resume_planned",
            [S.PAUSED],
            S.PLANNED,
            action=A.TRAJECTORY_RESUME,
            allowed=policy.can_manage_trajectory,
        ),
        transition(
            "close",
            [S.PLANNED, S.ACTIVE, S.PAUSED],
            S.CLOSED,
            action=A.TRAJECTORY_CLOSE,
            allowed=policy.can_manage_trajectory,
        ),
    ),
)
