"""Two coordinators confirming at the same moment: the row locks in proposals_create
(buddies, then referrals, in primary-key order) serve them one by one, so a buddy is never
pushed over capacity and a referral never gets two buddies.

Meaningful on PostgreSQL only (SQLite has no row locks; it serialises whole writes), so it
is skipped there and runs in CI's PostgreSQL pass.
"""

import threading
from functools import partial

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, connections

from buddywerk.matching import services
from buddywerk.matching.models import Proposal
from tests.factories import ProgrammeFactory
from tests.matching.helpers import coordinator_of, fitting_buddy, queued_referral

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="row locks need PostgreSQL (SQLite serialises writes; runs in CI's PostgreSQL pass)",
)

ROUNDS = 4


def _propose(user, programme, referral, buddy):
    return partial(
        services.proposals_create,
        actor=user,
        programme=programme,
        pairs=[(str(referral.uuid), str(buddy.uuid))],
    )


def _race(calls):
    """Run the calls at the same moment; return how many succeeded and the other errors."""
    barrier = threading.Barrier(len(calls))
    ok: list[int] = []
    refused: list[ValidationError] = []
    errors: list[BaseException] = []

    def run(call):
        try:
            barrier.wait()
            call()
            ok.append(1)
        except ValidationError as exc:
            refused.append(exc)
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(c,)) for c in calls]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors, errors
    return len(ok), refused


@pytest.mark.django_db(transaction=True)
def test_two_coordinators_never_push_a_buddy_over_capacity():
    for _ in range(ROUNDS):
        programme = ProgrammeFactory()
        first, second = coordinator_of(programme), coordinator_of(programme)
        buddy = fitting_buddy(programme, capacity=1)
        r1, r2 = queued_referral(programme), queued_referral(programme)
        calls = [
            _propose(first, programme, r1, buddy),
            _propose(second, programme, r2, buddy),
        ]
        succeeded, refused = _race(calls)
        assert succeeded == 1 and len(refused) == 1
        assert Proposal.objects.filter(buddy=buddy).count() == 1


@pytest.mark.django_db(transaction=True)
def test_two_coordinators_never_give_one_referral_two_buddies():
    for _ in range(ROUNDS):
        programme = ProgrammeFactory()
        first, second = coordinator_of(programme), coordinator_of(programme)
        b1, b2 = fitting_buddy(programme), fitting_buddy(programme)
        referral = queued_referral(programme)
        calls = [
            _propose(first, programme, referral, b1),
            _propose(second, programme, referral, b2),
        ]
        succeeded, refused = _race(calls)
        assert succeeded == 1 and len(refused) == 1
        assert Proposal.objects.filter(referral=referral).count() == 1
