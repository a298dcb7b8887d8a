"""Issue 21: the demo holds a mentor programme's pieces in Mechelen, built through the
services: the settings that ask the dream, a pupil's dream, and a sector mentor whose
sector meets it."""

import pytest

from buddywerk.buddies.enums import BuddyKind
from buddywerk.buddies.models import Buddy
from buddywerk.demo.world import build_world
from buddywerk.matching import candidates
from buddywerk.referrals.models import Referral

pytestmark = pytest.mark.django_db


def test_the_demo_has_a_pupils_dream_and_a_mentor_of_its_sector():
    build_world()
    referral = Referral.objects.get(pupil__first_name="Jonas", pupil__last_name="Vandenbroeck")
    assert (referral.study_track, referral.dream_sector) == ("first_b", "construction")
    assert referral.dream_goal and referral.talents
    mentor = Buddy.objects.get(user__email__startswith="mentor.mechelen@")
    assert mentor.kind == BuddyKind.SECTOR_MENTOR
    assert (mentor.sector, mentor.path_shown_to) == ("construction", "school")
    settings = candidates.settings_for(referral.programme)
    assert settings.asks_dream and settings.asks_study_track and settings.path_tags


def test_the_mentors_pupil_has_an_approved_paid_grant_awaiting_its_receipt():
    from buddywerk.funds.models import Grant, GrantStatus

    build_world()
    grant = Grant.objects.get(pupil__first_name="Jonas", pupil__last_name="Vandenbroeck")
    assert grant.fund.programme.name == "Buddy Mechelen"
    assert grant.requested_by.email.startswith("mentor.mechelen@")
    assert grant.first_approved_by != grant.decided_by
    assert grant.status == GrantStatus.PAID
    assert grant.receipt_due_on is not None and not grant.receipts.exists()
    build_world()
    assert Grant.objects.count() == 1
