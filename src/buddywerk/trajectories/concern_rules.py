"""Pure rules of concerns: which well-being score opens one by itself, and when one left
unacknowledged escalates. No database here; tests call them with plain values."""

import datetime as dt

from buddywerk.common.clock import add_working_days

# A concern not acknowledged within this many working days escalates to the lead.
ESCALATION_WORKING_DAYS = 2


def escalation_due_at(raised_at: dt.datetime) -> dt.datetime:
    """When a concern raised at `raised_at` escalates if nobody acknowledged it."""
    return add_working_days(raised_at, ESCALATION_WORKING_DAYS)


class WellbeingBand:
    """The Leuven bands of the issue: 4-5 fine, 2-3 needs attention, 1-2 act now. The two
    bands overlap at 2; a 2 is read as 'act now' (the stricter one), so 3 is the only
    'needs attention' score."""

    FINE = "fine"
    ATTENTION = "attention"
    ACT_NOW = "act_now"

    @staticmethod
    def of(score: int | None) -> str | None:
        if score is None:
            return None
        if score >= 4:
            return WellbeingBand.FINE
        if score == 3:
            return WellbeingBand.ATTENTION
        return WellbeingBand.ACT_NOW


def is_act_now(score: int) -> bool:
    """A well-being score of 1 or 2 opens a concern by itself."""
    return WellbeingBand.of(score) == WellbeingBand.ACT_NOW
