"""The trajectory state machine: ONE table of allowed transitions (ARCHITECTURE.md 4).

    planned -> active     the buddy and the school confirmed the agreements (R9)
    planned -> closed     the duo did not start
    active <-> paused     e.g. a long illness or the holidays
    active, paused -> closed   with a reason (R7: closure is planned, not a surprise)

A closed trajectory is read-only. The services in services.py are the only code that
changes a status; each checks this table, locks the row and logs the change.
"""

from .enums import TrajectoryStatus as S

ALLOWED_TRANSITIONS: dict[str, frozenset[str]] = {
    S.PLANNED: frozenset({S.ACTIVE, S.CLOSED}),
    S.ACTIVE: frozenset({S.PAUSED, S.CLOSED}),
    S.PAUSED: frozenset({S.ACTIVE, S.CLOSED}),
    S.CLOSED: frozenset(),
}

# Meetings are logged only while a duo runs (and never before the agreements: R9).
LOGGING_STATUSES = frozenset({S.ACTIVE, S.PAUSED})


def can_transition(from_status: str, to_status: str) -> bool:
    return to_status in ALLOWED_TRANSITIONS.get(from_status, frozenset())
