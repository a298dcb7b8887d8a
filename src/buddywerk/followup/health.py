"""Pure rules of the follow-up: the check-in schedule, the kijkwijzer flag and the health of
a duo at a glance. No database here: selectors feed these functions, tests call them with
plain values. The well-being bands and the escalation of concerns are trajectories' rules
(trajectories/concern_rules.py)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.utils.translation import gettext_lazy as _

from buddywerk.trajectories.concern_rules import WellbeingBand

# MENTOR, Elements of Effective Practice: twice in the first month, then monthly.
FIRST_MONTH_DAYS = 30
FIRST_MONTH_CHECKINS = 2
MONTH_DAYS = 30
# R12: a duo without a kijkwijzer in its first 4 weeks is flagged.
OBSERVATION_WITHIN_DAYS = 28
# A duo younger than this, or with fewer meetings, is too early to tell.
EARLY_DAYS = 14
EARLY_MEETINGS = 2
# No meeting logged for this long: the duo needs a check-in (R7: weekly for pupils; a
# family duo meets twice a month, so it gets three weeks).
SILENT_DAYS = 14
SILENT_DAYS_TWICE_MONTHLY = 21
# Relationship survey (1-5): a mean below this is a weak relationship.
WEAK_RELATIONSHIP_BELOW = 3.0


@dataclass(frozen=True)
class CheckInSchedule:
    missed: int
    due_now: bool
    next_due: dt.date | None


def checkin_schedule(
    *, start: dt.date, today: dt.date, dates: Iterable[dt.date], end: dt.date | None = None
) -> CheckInSchedule:
    """Two check-ins in the first 30 days, then one in every following 30-day window.
    A window that has passed without its check-ins counts as missed; the current window
    without one makes a check-in due now."""
    days = sorted(d for d in dates if d >= start)
    missed = 0
    due_now = False
    next_due: dt.date | None = None
    last_day = min(today, end) if end else today
    first_end = start + dt.timedelta(days=FIRST_MONTH_DAYS)
    in_first = sum(1 for d in days if d < first_end)
    if today >= first_end:
        missed += max(0, FIRST_MONTH_CHECKINS - in_first)
    elif in_first < FIRST_MONTH_CHECKINS:
        due_now = True
        next_due = first_end
    window_start = first_end
    while window_start <= last_day:
        window_end = window_start + dt.timedelta(days=MONTH_DAYS)
        has_one = any(window_start <= d < window_end for d in days)
        if window_end <= today:
            missed += 0 if has_one else 1
        elif not has_one:
            due_now = True
            next_due = window_end
        window_start = window_end
    return CheckInSchedule(missed=missed, due_now=due_now, next_due=next_due)


def observation_missing(
    *, start: dt.date, today: dt.date, first_observation: dt.date | None
) -> bool:
    """R12: flagged once the first 4 weeks are over without a kijkwijzer in them."""
    deadline = start + dt.timedelta(days=OBSERVATION_WITHIN_DAYS)
    if today < deadline:
        return False
    return first_observation is None or first_observation > deadline


class Health:
    ON_TRACK = "on_track"
    CHECK_IN = "check_in"
    TOO_EARLY = "too_early"

    LABELS = {
        ON_TRACK: _("On track"),
        CHECK_IN: _("Needs a check-in"),
        TOO_EARLY: _("Too early to tell"),
    }


@dataclass
class HealthResult:
    status: str
    reasons: list[str] = field(default_factory=list)

    @property
    def label(self) -> str:
        return str(Health.LABELS[self.status])


def duo_health(
    *,
    start: dt.date,
    today: dt.date,
    meetings_held: int,
    last_meeting_on: dt.date | None,
    last_wellbeing: int | None,
    open_concerns: int,
    missed_checkins: int,
    survey_mean: float | None,
    silent_days: int = SILENT_DAYS,
) -> HealthResult:
    """On track, Needs a check-in, or Too early to tell, with the reasons in plain words.
    Any warning sign makes 'Needs a check-in'; without warnings, a young duo (under two
    weeks, fewer than two meetings or no well-being score yet) is 'Too early to tell'."""
    reasons: list[str] = []
    age = (today - start).days
    if open_concerns:
        reasons.append(str(_("Open concern not yet acknowledged")))
    band = WellbeingBand.of(last_wellbeing)
    if band == WellbeingBand.ACT_NOW:
        reasons.append(str(_("Last well-being score: act now")))
    elif band == WellbeingBand.ATTENTION:
        reasons.append(str(_("Last well-being score needs attention")))
    if missed_checkins:
        reasons.append(str(_("Missed coordinator check-ins")))
    if age >= silent_days and (
        last_meeting_on is None or (today - last_meeting_on).days >= silent_days
    ):
        reasons.append(str(_("No meeting logged for two weeks")))
    if survey_mean is not None and survey_mean < WEAK_RELATIONSHIP_BELOW:
        reasons.append(str(_("The relationship survey shows a weak bond")))
    if reasons:
        return HealthResult(Health.CHECK_IN, reasons)
    if age < EARLY_DAYS or meetings_held < EARLY_MEETINGS or last_wellbeing is None:
        return HealthResult(Health.TOO_EARLY, [str(_("Not enough meetings or scores yet"))])
    return HealthResult(Health.ON_TRACK, [])
