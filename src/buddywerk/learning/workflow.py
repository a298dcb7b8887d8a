"""The event registration state machine: ONE table of named transitions (ARCHITECTURE.md 4).

    registered -> cancelled          the buddy (or the organiser) cancels
    waiting -> registered            a place came free: the first on the list moves up
    waiting -> cancelled             the buddy leaves the waiting list

A cancelled registration is final; registering again makes a new one. The services in
services.py take these transitions through `common.workflow`, under the event's row lock.
"""

from buddywerk.access import policy
from buddywerk.common.audit import AuditAction as A
from buddywerk.common.workflow import Workflow, transition

from .models import Registration, RegistrationTransition
from .models import RegistrationStatus as S

__all__ = ["ACTIVE_STATUSES", "REGISTRATION"]

ACTIVE_STATUSES = (S.REGISTERED, S.WAITING)

REGISTRATION = Workflow(
    model=Registration,
    log_model=RegistrationTransition,
    log_field="registration",
    states=S,
    transitions=(
        transition(
            "cancel",
            ACTIVE_STATUSES,
            S.CANCELLED,
            action=A.REGISTRATION_CANCEL,
            allowed=policy.can_cancel_registration,
        ),
        # A freed place goes to the first on the waiting list: the system moves them up.
        transition("promote", [S.WAITING], S.REGISTERED, action=A.REGISTRATION_PROMOTE),
    ),
)
