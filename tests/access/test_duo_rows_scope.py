"""policy.duo_rows_visible_to: a duo's rows (its concerns) for exactly the people who see
the duo, whatever their role; written as a join on the row's duo, not a subquery."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import EmptyResultSet

from buddywerk.access import policy
from buddywerk.trajectories import concern_services
from buddywerk.trajectories.models import Concern, Trajectory
from tests.access.world import ROLES, build_world

pytestmark = pytest.mark.django_db


def _sql(rows) -> str:
    try:
        return str(rows.query)
    except EmptyResultSet:  # a scope that matches nothing sends no query at all
        return ""


def test_a_duos_rows_are_seen_by_exactly_who_sees_the_duo():
    world = build_world()
    other = Trajectory.objects.exclude(pk=world.duo.pk).first()
    assert other is not None
    concern_services.concern_raise(
        actor=other.buddy.user, trajectory=other, urgency="urgent", text="Ze huilde."
    )
    seen_by = {}
    for role in ROLES:
        user = world.users[role] or AnonymousUser()
        duos = policy.trajectories_visible_to(user, Trajectory.objects.all())
        expected = set(Concern.objects.filter(trajectory__in=duos))
        rows = policy.duo_rows_visible_to(user, Concern.objects.all())
        assert set(rows) == expected, role
        assert " IN (SELECT" not in _sql(rows), role
        seen_by[role] = len(expected)
    # not vacuous: some see both duos' concerns, some one, some none
    assert {0, 1, 2} <= set(seen_by.values())
    assert seen_by["anonymous"] == 0
    assert seen_by["buddy_other_duo"] == 1
    assert seen_by["declined_applicant"] == 0
