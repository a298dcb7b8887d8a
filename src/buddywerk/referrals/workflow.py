"""The referral state machine: ONE table of allowed transitions (ARCHITECTURE.md 4).

    draft -> submitted -> accepted (or declined with a reason, or the waiting list)
    waiting -> accepted / declined
    accepted -> matched -> closed
    matched -> accepted     a declined proposal returns the referral to the queue
    any open status -> withdrawn (by the referring school or service)

The services in services.py are the only code that changes a status; each checks this
table, locks the row and logs the change.
"""

from .enums import ReferralStatus as S

ALLOWED_TRANSITIONS: dict[str, frozenset[str]] = {
    S.DRAFT: frozenset({S.SUBMITTED, S.WITHDRAWN}),
    S.SUBMITTED: frozenset({S.ACCEPTED, S.DECLINED, S.WAITING, S.WITHDRAWN}),
    S.WAITING: frozenset({S.ACCEPTED, S.DECLINED, S.WITHDRAWN}),
    S.ACCEPTED: frozenset({S.MATCHED, S.WITHDRAWN}),
    S.MATCHED: frozenset({S.CLOSED, S.ACCEPTED, S.WITHDRAWN}),
    S.DECLINED: frozenset(),
    S.CLOSED: frozenset(),
    S.WITHDRAWN: frozenset(),
}

# Statuses with a way forward: the referral still asks for (or has) a buddy.
OPEN_STATUSES = frozenset(status for status, targets in ALLOWED_TRANSITIONS.items() if targets)
FINAL_STATUSES = frozenset(S.values) - OPEN_STATUSES
# What the programme still has to decide on (its triage queue).
TRIAGE_STATUSES = (S.SUBMITTED, S.WAITING)
# The programme's queue: submitted to it and not yet matched or ended.
QUEUE_STATUSES = (S.SUBMITTED, S.WAITING, S.ACCEPTED)


def can_transition(from_status: str, to_status: str) -> bool:
    return to_status in ALLOWED_TRANSITIONS.get(from_status, frozenset())


def path_from_draft(to_status: str) -> list[str]:
    """The shortest way through the table from a draft to `to_status` (demo data and test
    factories use it to build a real history instead of setting a status)."""
    paths: dict[str, list[str]] = {S.DRAFT: []}
    frontier = [str(S.DRAFT)]
    while frontier:
        current = frontier.pop(0)
        for target in sorted(ALLOWED_TRANSITIONS[current]):
            if target not in paths:
                paths[target] = [*paths[current], target]
                frontier.append(target)
    return paths[to_status]
