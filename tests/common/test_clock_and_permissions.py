"""The shared clock (common/clock.py) and the one guard of write services
(common/permissions.py)."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from buddywerk.common import clock
from buddywerk.common.permissions import check_allowed
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db  # the autouse fixtures (cache) need it


def test_a_given_moment_or_day_is_the_clock():
    moment = dt.datetime(2026, 3, 6, 23, 30, tzinfo=dt.UTC)
    assert clock.now(moment) == moment
    assert clock.today(dt.date(2026, 3, 6)) == dt.date(2026, 3, 6)


def test_without_one_the_real_clock_in_the_sites_time_zone():
    before = timezone.now()
    assert before <= clock.now() <= timezone.now()
    assert clock.now().tzinfo is not None
    assert clock.today() == timezone.localdate()


def test_the_system_is_not_asked():
    check_allowed(None, False)
    check_allowed(None, lambda user: pytest.fail("a predicate is never called for the system"))


def test_a_person_needs_the_policys_yes():
    user = UserFactory()
    check_allowed(user, True)
    check_allowed(user, lambda person: person == user)
    with pytest.raises(PermissionDenied):
        check_allowed(user, False)
    with pytest.raises(PermissionDenied):
        check_allowed(user, lambda person: False)
