"""Concurrent registrations for the last places: the event row lock serves them one by one,
so the event never holds more than its capacity and the waiting list keeps arrival order.

Meaningful on PostgreSQL only (SQLite has no row locks; it serialises whole writes), so it
is skipped there and runs in CI's PostgreSQL pass.
"""

import threading

import pytest
from django.db import connection, connections

from buddywerk.access.models import Role
from buddywerk.learning import services
from buddywerk.learning.models import Registration, RegistrationStatus
from tests.factories import BuddyFactory, ProgrammeFactory, member
from tests.learning.factories import EventFactory

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="row locks need PostgreSQL (CI's second pass)"
)

BUDDIES = 12
CAPACITY = 5


@pytest.mark.django_db(transaction=True)
def test_concurrent_registrations_never_overfill_the_event():
    programme = ProgrammeFactory()
    event = EventFactory(capacity=CAPACITY)
    users = []
    for _ in range(BUDDIES):
        buddy = BuddyFactory(programmes=[programme])
        users.append(member(buddy.user, programme, Role.BUDDY))
    barrier = threading.Barrier(BUDDIES)
    errors: list[BaseException] = []

    def register(user):
        try:
            barrier.wait()
            services.registration_create(actor=user, event=event)
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=register, args=(u,)) for u in users]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors, errors
    registrations = list(Registration.objects.filter(event=event).order_by("created_at", "id"))
    statuses = [r.status for r in registrations]
    assert statuses.count(RegistrationStatus.REGISTERED) == CAPACITY
    assert statuses.count(RegistrationStatus.WAITING) == BUDDIES - CAPACITY
    # Arrival order: everyone who got a place registered before everyone who waits.
    assert statuses == [RegistrationStatus.REGISTERED] * CAPACITY + [RegistrationStatus.WAITING] * (
        BUDDIES - CAPACITY
    )

    # Concurrent cancellations: each freed place goes to the next in line, exactly once.
    placed = [r for r in registrations if r.status == RegistrationStatus.REGISTERED][:3]
    barrier = threading.Barrier(len(placed))

    def cancel(registration):
        try:
            barrier.wait()
            services.registration_cancel(actor=registration.buddy.user, registration=registration)
        except BaseException as exc:  # noqa: BLE001
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=cancel, args=(r,)) for r in placed]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors, errors
    after = {r.pk: r.status for r in Registration.objects.filter(event=event)}
    assert list(after.values()).count(RegistrationStatus.REGISTERED) == CAPACITY
    first_waiting = [r.pk for r in registrations[CAPACITY : CAPACITY + 3]]
    assert all(after[pk] == RegistrationStatus.REGISTERED for pk in first_waiting)
