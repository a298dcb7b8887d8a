"""Privacy (issue 21, point 6; R18): an erased pupil's grant keeps its money for the
accounts and loses the pupil, the duo and the free text."""

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from buddywerk.funds.models import Grant
from buddywerk.privacy import erasure_services
from buddywerk.privacy.erasure_models import ErasureAskedBy, ErasureStatus
from buddywerk.referrals.models import Pupil
from tests.funds.world import make_world

pytestmark = pytest.mark.django_db


def test_erasure_anonymises_the_grant_and_keeps_its_payments():
    w = make_world(closed=True)
    grant = w.paid("75.25")
    request = erasure_services.erasure_request_create(
        actor=w.coord_a,
        subject=w.pupil,
        asked_by=ErasureAskedBy.PARENT,
        asked_on=timezone.localdate(),
    )
    erasure_services.erasure_confirm(actor=w.coord_b, request=request)
    erasure_services.erasure_requests_execute(now=timezone.now() + dt.timedelta(minutes=1))
    request.refresh_from_db()
    assert request.status == ErasureStatus.DONE
    assert not Pupil.objects.filter(pk=w.pupil.pk).exists()
    kept = Grant.objects.get(pk=grant.pk)
    assert kept.pupil is None and kept.trajectory is None
    assert kept.reason == "" and kept.care_coordinator is None
    assert kept.anonymised_at is not None
    assert kept.amount == Decimal("75.25")
    assert kept.payments.get().amount == Decimal("75.25")
