"""The proposal state machine: ONE table of allowed transitions (ARCHITECTURE.md 4, R15).

unconfirmed -> submitted            the author confirmed their email address
submitted -> published              a moderator published it (a new version is kept)
submitted -> changes_requested      a moderator asked the author for changes
submitted -> rejected               a moderator rejected it, with a reason
changes_requested -> submitted      the author sent the changed proposal
changes_requested -> rejected       a moderator closed it after all
"""

from .models import SubmissionStatus as S

ALLOWED_TRANSITIONS: dict[str, frozenset[str]] = {
    S.UNCONFIRMED: frozenset({S.SUBMITTED}),
    S.SUBMITTED: frozenset({S.PUBLISHED, S.CHANGES_REQUESTED, S.REJECTED}),
    S.CHANGES_REQUESTED: frozenset({S.SUBMITTED, S.REJECTED}),
    S.PUBLISHED: frozenset(),
    S.REJECTED: frozenset(),
}
# What a moderator still has to act on.
MODERATION_STATUSES = (S.SUBMITTED,)


def can_transition(from_status: str, to_status: str) -> bool:
    return to_status in ALLOWED_TRANSITIONS.get(from_status, frozenset())
