"""Issue 13, point 2: a seen extract counts for the programme's number of months (default
36) and may be at most the programme's number of months old when seen (default 6). The
boundary days: the extract's last valid day and the day after. Matching never proposes,
and no duo with a minor starts with, a buddy whose extract runs out before the duo's
planned end."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from buddywerk.buddies import rules, services
from buddywerk.matching import candidates
from buddywerk.organisations.models import Programme
from buddywerk.trajectories import services as duo_services
from tests.buddies.factories import coordinated_programme
from tests.factories import BuddyFactory, ProgrammeFactory
from tests.matching.helpers import fitting_buddy, queued_referral
from tests.trajectories.factories import TrajectoryFactory

pytestmark = pytest.mark.django_db


def test_a_programme_counts_an_extract_36_months_and_takes_one_up_to_6_months_old():
    programme = Programme()
    assert (programme.extract_valid_months, programme.extract_max_age_months) == (36, 6)


def test_an_extract_counts_up_to_its_last_valid_day_and_not_the_day_after():
    programme = ProgrammeFactory()
    buddy = BuddyFactory(programmes=[programme], extract_seen_on=dt.date(2024, 3, 15))
    last = rules.buddy_extract_valid_until(buddy, programme)
    assert last == dt.date(2027, 3, 14)
    assert rules.buddy_may_meet_minors(buddy, programme=programme, on=last)
    assert not rules.buddy_may_meet_minors(
        buddy, programme=programme, on=last + dt.timedelta(days=1)
    )
    # the programme's own setting counts
    programme.extract_valid_months = 12
    assert rules.buddy_extract_valid_until(buddy, programme) == dt.date(2025, 3, 14)
    assert not rules.buddy_may_meet_minors(buddy, programme=programme, on=dt.date(2025, 3, 15))
    # an end of month: seen on 31 January, 1 month counts to 27 February
    assert rules.extract_last_valid_day(dt.date(2025, 1, 31), 1) == dt.date(2025, 2, 27)


def test_an_extract_may_be_at_most_the_programmes_months_old_when_seen():
    programme, coordinator = coordinated_programme()
    buddy = BuddyFactory(programmes=[programme], extract_seen_on=None)
    seen = timezone.localdate()
    oldest = rules.add_months(seen, -6)
    with pytest.raises(ValidationError) as error:
        services.buddy_record_extract(
            actor=coordinator,
            buddy=buddy,
            programme=programme,
            seen_on=seen,
            dated_on=oldest - dt.timedelta(days=1),
        )
    assert "te oud" in error.value.message_dict["dated_on"][0]
    buddy.refresh_from_db()
    assert buddy.extract_seen_on is None  # nothing changed
    with pytest.raises(ValidationError) as error:
        services.buddy_record_extract(
            actor=coordinator,
            buddy=buddy,
            programme=programme,
            seen_on=seen - dt.timedelta(days=1),
            dated_on=seen,
        )
    assert "na de dag" in error.value.message_dict["dated_on"][0]
    services.buddy_record_extract(
        actor=coordinator, buddy=buddy, programme=programme, seen_on=seen, dated_on=oldest
    )
    buddy.refresh_from_db()
    assert (buddy.extract_seen_on, buddy.extract_dated_on) == (seen, oldest)


def _expiring_buddy(programme, last_valid_day):
    """A fitting buddy whose extract's last valid day (36 months) is `last_valid_day`."""
    seen = rules.add_months(last_valid_day + dt.timedelta(days=1), -36)
    return fitting_buddy(programme, extract_seen_on=seen)


def test_matching_never_proposes_a_buddy_whose_extract_runs_out_before_the_planned_end():
    programme = ProgrammeFactory()
    referral = queued_referral(programme)
    today = timezone.localdate()
    planned_end = duo_services.default_planned_end(for_family=False, planned_start=today)
    short = _expiring_buddy(programme, planned_end - dt.timedelta(days=1))
    enough = _expiring_buddy(programme, planned_end)
    found = candidates.programme_input(programme).problem.suggest_buddies(str(referral.uuid))
    feasible = {c.id for c in found.feasible}
    assert str(enough.uuid) in feasible
    assert str(short.uuid) not in feasible
    blocked = {b.id: b.constraint for b in found.blocked}
    assert blocked[str(short.uuid)] == "screening"
    why = next(b for b in found.blocked if b.id == str(short.uuid))
    assert "verloopt voor het einde" in why.reason


def test_no_duo_with_a_minor_ends_after_the_buddys_extract():
    programme = ProgrammeFactory()
    today = timezone.localdate()
    buddy = BuddyFactory(extract_seen_on=rules.add_months(today, -35))
    last = rules.buddy_extract_valid_until(buddy, programme)
    with pytest.raises(ValidationError) as error:
        TrajectoryFactory(
            programme=programme,
            buddy=buddy,
            planned_start=today,
            planned_end=last + dt.timedelta(days=1),
        )
    assert "planned_end" in error.value.message_dict
    duo = TrajectoryFactory(programme=programme, buddy=buddy, planned_start=today, planned_end=last)
    assert duo.planned_end == last
