"""The pure follow-up rules: working days (common.clock), the well-being bands
(trajectories.concern_rules), the check-in schedule, the kijkwijzer flag and the health
of a duo at a glance."""

import datetime as dt

import pytest

from buddywerk.common.clock import add_working_days
from buddywerk.followup.health import Health, checkin_schedule, duo_health, observation_missing
from buddywerk.trajectories.concern_rules import WellbeingBand

pytestmark = pytest.mark.django_db  # the autouse fixtures (cache) need it

START = dt.date(2026, 3, 2)  # a Monday


def _at(*args):
    return dt.datetime(*args, tzinfo=dt.UTC)


@pytest.mark.parametrize(
    ("raised", "due"),
    [
        (_at(2026, 3, 6, 10), _at(2026, 3, 10, 10)),  # Friday -> Tuesday
        (_at(2026, 3, 2, 9), _at(2026, 3, 4, 9)),  # Monday -> Wednesday
        (_at(2026, 3, 7, 12), _at(2026, 3, 10, 12)),  # Saturday -> Tuesday
        (_at(2026, 3, 5, 16), _at(2026, 3, 9, 16)),  # Thursday -> Monday
    ],
)
def test_two_working_days_skip_the_weekend(raised, due):
    assert add_working_days(raised, 2) == due


@pytest.mark.parametrize(
    ("score", "band"),
    [
        (5, WellbeingBand.FINE),
        (4, WellbeingBand.FINE),
        (3, WellbeingBand.ATTENTION),
        (2, WellbeingBand.ACT_NOW),
        (1, WellbeingBand.ACT_NOW),
        (None, None),
    ],
)
def test_leuven_bands(score, band):
    assert WellbeingBand.of(score) == band


def test_two_checkins_are_due_in_the_first_month():
    one = checkin_schedule(start=START, today=START + dt.timedelta(days=10), dates=[START])
    assert (one.missed, one.due_now) == (0, True)
    late = checkin_schedule(start=START, today=START + dt.timedelta(days=31), dates=[START])
    assert late.missed == 1
    done = checkin_schedule(
        start=START,
        today=START + dt.timedelta(days=31),
        dates=[START, START + dt.timedelta(days=14)],
    )
    assert done.missed == 0


def test_then_one_checkin_every_month():
    dates = [START, START + dt.timedelta(days=7), START + dt.timedelta(days=40)]
    # Day 95: months 2 (days 30-59, has day 40) and 3 (days 60-89, none) are over.
    schedule = checkin_schedule(start=START, today=START + dt.timedelta(days=95), dates=dates)
    assert schedule.missed == 1
    assert schedule.due_now  # month 4 (days 90-119) has none yet


def test_a_duo_without_a_kijkwijzer_in_its_first_four_weeks_is_flagged():
    day_27 = START + dt.timedelta(days=27)
    day_29 = START + dt.timedelta(days=29)
    assert not observation_missing(start=START, today=day_27, first_observation=None)
    assert observation_missing(start=START, today=day_29, first_observation=None)
    assert not observation_missing(
        start=START, today=day_29, first_observation=START + dt.timedelta(days=20)
    )
    assert observation_missing(
        start=START, today=START + dt.timedelta(days=60), first_observation=day_29
    )


def _health(**kwargs):
    values = {
        "start": START,
        "today": START + dt.timedelta(days=35),
        "meetings_held": 5,
        "last_meeting_on": START + dt.timedelta(days=33),
        "last_wellbeing": 4,
        "open_concerns": 0,
        "missed_checkins": 0,
        "survey_mean": 4.5,
    }
    values.update(kwargs)
    return duo_health(**values)


def test_a_duo_with_nothing_wrong_is_on_track():
    assert _health().status == Health.ON_TRACK


@pytest.mark.parametrize(
    "change",
    [
        {"open_concerns": 1},
        {"last_wellbeing": 3},
        {"last_wellbeing": 1},
        {"missed_checkins": 1},
        {"last_meeting_on": START + dt.timedelta(days=10)},
        {"survey_mean": 2.5},
    ],
)
def test_each_warning_sign_makes_it_need_a_check_in(change):
    result = _health(**change)
    assert result.status == Health.CHECK_IN
    assert result.reasons


@pytest.mark.parametrize(
    "change",
    [
        {"today": START + dt.timedelta(days=10), "last_meeting_on": START},
        {"meetings_held": 1},
        {"last_wellbeing": None},
    ],
)
def test_a_young_duo_is_too_early_to_tell(change):
    assert _health(**change).status == Health.TOO_EARLY


def test_a_family_duo_meeting_twice_a_month_is_not_silent_after_two_weeks():
    quiet = {"last_meeting_on": START + dt.timedelta(days=20)}
    assert _health(**quiet).status == Health.CHECK_IN
    assert _health(**quiet, silent_days=21).status == Health.ON_TRACK
