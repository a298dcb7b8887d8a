"""Issue 13, point 3: a buddy's availability has an end. Matching treats "available until the
duo's planned end" as a hard constraint with its own explanation, and offers a shorter duo
only down to the programme's minimum length; the planned end never passes the buddy's last
day (the internship's last day is a valid end, the day after is not), and the goodbye
reminder comes two weeks before it."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from buddywerk.buddies import services as buddy_services
from buddywerk.common.models import AuditEvent
from buddywerk.matching import candidates
from buddywerk.trajectories import services
from buddywerk.trajectories.models import ReminderKind
from buddywerk.trajectories.reminders import due_reminders
from buddywerk.trajectories.safeguarding_check import safeguarding_findings
from tests.buddies.factories import profile
from tests.factories import BuddyFactory, ProgrammeFactory
from tests.matching.helpers import fitting_buddy, queued_referral
from tests.trajectories.factories import TrajectoryFactory

pytestmark = pytest.mark.django_db


def _suggest(programme, referral):
    found = candidates.programme_input(programme).problem.suggest_buddies(str(referral.uuid))
    return {c.id for c in found.feasible}, {b.id: b for b in found.blocked}


def test_matching_blocks_a_buddy_who_leaves_before_the_planned_end_and_says_so():
    programme = ProgrammeFactory()
    referral = queued_referral(programme)
    today = timezone.localdate()
    end = services.default_planned_end(for_family=False, planned_start=today)
    leaves = fitting_buddy(programme, available_until=end - dt.timedelta(days=1))
    stays = fitting_buddy(programme, available_until=end)  # the last day is the planned end
    feasible, blocked = _suggest(programme, referral)
    assert str(stays.uuid) in feasible
    assert str(leaves.uuid) not in feasible
    why = blocked[str(leaves.uuid)]
    assert why.constraint == "until"
    last = end - dt.timedelta(days=1)
    assert why.reason == (
        f"is maar beschikbaar tot {last.day}/{last.month}/{last.year}, "
        f"het duo loopt minstens tot {end.day}/{end.month}/{end.year}"
    )


def test_a_programme_with_a_minimum_length_offers_the_shorter_duo():
    programme = ProgrammeFactory(min_duo_weeks=6)
    referral = queued_referral(programme)
    today = timezone.localdate()
    shortest = today + dt.timedelta(weeks=6)
    enough = fitting_buddy(programme, available_until=shortest)
    too_short = fitting_buddy(programme, available_until=shortest - dt.timedelta(days=1))
    feasible, blocked = _suggest(programme, referral)
    assert str(enough.uuid) in feasible
    assert blocked[str(too_short.uuid)].constraint == "until"
    # the duo started from it ends on the buddy's last day, not later
    duo = services.trajectory_start_from_proposal(actor=None, buddy=enough, referral=referral)
    assert duo.planned_end == shortest


def test_without_a_minimum_length_no_shorter_duo_starts():
    programme = ProgrammeFactory()
    today = timezone.localdate()
    end = services.default_planned_end(for_family=False, planned_start=today)
    buddy = BuddyFactory(available_until=end - dt.timedelta(days=1))
    with pytest.raises(ValidationError) as refused:
        TrajectoryFactory(programme=programme, buddy=buddy, planned_start=today)
    assert "beschikbaar tot" in refused.value.message_dict["planned_end"][0]


def test_the_planned_end_may_be_the_last_day_and_not_the_day_after():
    programme = ProgrammeFactory()
    today = timezone.localdate()
    last = today + dt.timedelta(weeks=8)
    buddy = BuddyFactory(available_until=last, on_internship=True)
    with pytest.raises(ValidationError) as refused:
        TrajectoryFactory(
            programme=programme,
            buddy=buddy,
            planned_start=today,
            planned_end=last + dt.timedelta(days=1),
        )
    assert "mag niet later eindigen" in refused.value.message_dict["planned_end"][0]
    duo = TrajectoryFactory(programme=programme, buddy=buddy, planned_start=today, planned_end=last)
    assert duo.planned_end == last
    # the model says so too (validation outside the service)
    duo.planned_end = last + dt.timedelta(days=1)
    with pytest.raises(ValidationError):
        duo.full_clean()


def test_an_earlier_last_day_moves_the_running_duos_end_and_the_goodbye_reminder_follows():
    today = timezone.localdate()
    buddy = BuddyFactory(available_until=None)
    duo = TrajectoryFactory(buddy=buddy)
    new_last = today + dt.timedelta(days=30)
    assert duo.planned_end > new_last
    buddy_services.buddy_update_profile(
        actor=buddy.user,
        buddy=buddy,
        profile=profile(available_from=buddy.available_from, available_until=new_last),
    )
    duo.refresh_from_db()
    assert duo.planned_end == new_last
    assert AuditEvent.objects.filter(action="trajectory.shorten", actor=None).count() == 1
    assert safeguarding_findings() == []

    def goodbye(day):
        return {
            (t, user)
            for t, kind, user, _about in due_reminders(today=day)
            if kind == ReminderKind.END_NEAR and t == duo.pk
        }

    assert not goodbye(new_last - dt.timedelta(days=15))
    assert buddy.user_id in {user for _t, user in goodbye(new_last - dt.timedelta(days=14))}


def test_a_last_day_before_a_duo_starts_is_refused_and_changes_nothing():
    today = timezone.localdate()
    buddy = BuddyFactory(available_until=None)
    duo = TrajectoryFactory(buddy=buddy, planned=True, planned_start=today + dt.timedelta(days=10))
    before = duo.planned_end
    with pytest.raises(ValidationError) as refused:
        buddy_services.buddy_update_profile(
            actor=buddy.user,
            buddy=buddy,
            profile=profile(available_until=today + dt.timedelta(days=10)),
        )
    assert "available_until" in refused.value.message_dict
    duo.refresh_from_db()
    buddy.refresh_from_db()
    assert duo.planned_end == before and buddy.available_until is None
