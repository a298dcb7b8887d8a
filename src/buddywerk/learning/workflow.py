"""The registration state machine: ONE table of allowed transitions (ARCHITECTURE.md 4).

    registered -> cancelled          the buddy (or the organiser) cancels
    waiting -> registered            a place came free: the first on the list moves up
    waiting -> cancelled             the buddy leaves the waiting list
A cancelled registration is final; registering again makes a new one.
"""

from .models import RegistrationStatus as S

ALLOWED_TRANSITIONS: dict[str, frozenset[str]] = {
    S.REGISTERED: frozenset({S.CANCELLED}),
    S.WAITING: frozenset({S.REGISTERED, S.CANCELLED}),
    S.CANCELLED: frozenset(),
}
ACTIVE_STATUSES = (S.REGISTERED, S.WAITING)


def can_transition(from_status: str, to_status: str) -> bool:
    return to_status in ALLOWED_TRANSITIONS.get(from_status, frozenset())
