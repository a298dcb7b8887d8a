import pytest

from buddywerk.demo.world import build_world
from buddywerk.referrals.models import Referral, ReferralStatus, ReferralTransition


@pytest.mark.django_db
def test_demo_world_has_referrals_in_every_status_with_their_log_and_is_idempotent():
    build_world()
    statuses = set(Referral.objects.values_list("status", flat=True))
    assert statuses == set(ReferralStatus.values)
    for referral in Referral.objects.exclude(status=ReferralStatus.DRAFT):
        log = list(referral.transitions.order_by("at", "id"))
        assert log, referral.status
        assert log[-1].to_status == referral.status
        for before, after in zip(log, log[1:], strict=False):
            assert before.to_status == after.from_status
    counts = (Referral.objects.count(), ReferralTransition.objects.count())
    build_world()
    assert (Referral.objects.count(), ReferralTransition.objects.count()) == counts
