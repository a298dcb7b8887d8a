"""Pure rules of concerns: which well-being score opens one by itself, and when one left
unacknowledged escalates. No database here; tests call them with plain values."""

import datetime as dt

from buddywerk.common.clock import add_working_days

# A concern not acknowledged within this many working days escalates to the lead.
ESCALATION_WORKING_DAYS = 2
# An urgent concern not acknowledged within this many working days escalates further, to
# the regional coordinator of the programme's province (issue 13, point 5).
REGION_ESCALATION_WORKING_DAYS = 5
# A concern not closed this many days after it was raised shows on the lead's home page.
STALE_AFTER_DAYS = 30


def escalation_due_at(raised_at: dt.datetime) -> dt.datetime:
    """When a concern raised at `raised_at` escalates if nobody acknowledged it."""
    return add_working_days(raised_at, ESCALATION_WORKING_DAYS)


def region_escalation_due_at(raised_at: dt.datetime) -> dt.datetime:
    """When an urgent concern raised at `raised_at` goes to the regional coordinator if
    nobody acknowledged it. Working days as for the first escalation (weekends skipped)."""
    return add_working_days(raised_at, REGION_ESCALATION_WORKING_DAYS)


def stale_before(now: dt.datetime) -> dt.datetime:
    """A concern raised before this moment and not closed is stale (the lead sees it)."""
    return now - dt.timedelta(days=STALE_AFTER_DAYS)


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
