"""referrals.selectors.queue_figures: the coordinator's queue at a glance (the home page's
figures and the two referral to-do items), in one grouped query."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from buddywerk.access.models import Role
from buddywerk.referrals.enums import ReferralStatus
from buddywerk.referrals.models import Referral
from buddywerk.referrals.selectors import QueueFigures, queue_figures
from tests.factories import ProgrammeFactory, ReferralFactory, UserFactory, member
from tests.matching.helpers import fitting_buddy, open_proposal

pytestmark = pytest.mark.django_db


def _referral(programme, status, days_ago):
    referral = ReferralFactory(programme=programme, status=status)
    referral.submitted_at = timezone.now() - dt.timedelta(days=days_ago)
    Referral.objects.filter(pk=referral.pk).update(submitted_at=referral.submitted_at)
    return referral


def test_each_figure_counts_its_own_referrals_and_names_the_only_one():
    programme = ProgrammeFactory()
    coordinator = member(UserFactory(), programme, Role.PROGRAMME_COORDINATOR)
    assert queue_figures(user=coordinator) == QueueFigures(
        waiting=0, oldest=None, to_decide=(0, None), no_buddy=(0, None)
    )
    submitted = _referral(programme, ReferralStatus.SUBMITTED, 3)
    waiting = _referral(programme, ReferralStatus.WAITING, 40)
    free = [_referral(programme, ReferralStatus.ACCEPTED, days) for days in (5, 6)]
    proposed = open_proposal(
        programme=programme, buddy=fitting_buddy(programme), school=free[0].pupil.school
    ).referral
    _referral(programme, ReferralStatus.MATCHED, 90)  # no longer in the queue
    _referral(ProgrammeFactory(), ReferralStatus.SUBMITTED, 99)  # another programme's
    with CaptureQueriesContext(connection) as queries:
        figures = queue_figures(user=coordinator)
    assert len(queries) == 1
    assert figures.waiting == 5  # submitted, waiting, two free and the proposed one
    assert figures.oldest == waiting.submitted_at
    assert figures.to_decide == (1, submitted.uuid)
    assert figures.no_buddy == (2, None)  # not the one with an open proposal
    free[1].delete()
    assert queue_figures(user=coordinator).no_buddy == (1, free[0].uuid)
    assert proposed.status == ReferralStatus.ACCEPTED
