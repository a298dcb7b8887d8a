"""The proposal state machine: ONE table of allowed transitions (ARCHITECTURE.md 4).

    pending  -> accepted (the buddy says yes) -> confirmed (the school or service says yes:
                the duo starts)
    pending  -> declined (the buddy says no, with a reason)
    accepted -> refused  (the school or service says no, with a reason)
    pending / accepted -> expired (nobody answered in time; a reminder went out first)

Declined, refused and expired proposals leave the referral in the programme's queue (it
stays `accepted` while a proposal is open, so nothing needs to be requeued). The services
in services.py are the only code that changes a status.
"""

from .enums import ProposalStatus as S

ALLOWED_TRANSITIONS: dict[str, frozenset[str]] = {
    S.PENDING: frozenset({S.ACCEPTED, S.DECLINED, S.EXPIRED}),
    S.ACCEPTED: frozenset({S.CONFIRMED, S.REFUSED, S.EXPIRED}),
    S.CONFIRMED: frozenset(),
    S.DECLINED: frozenset(),
    S.REFUSED: frozenset(),
    S.EXPIRED: frozenset(),
}

# A proposal waiting for an answer: it holds one of the buddy's places and the referral.
OPEN_STATUSES = (S.PENDING, S.ACCEPTED)


def can_transition(from_status: str, to_status: str) -> bool:
    return to_status in ALLOWED_TRANSITIONS.get(from_status, frozenset())
