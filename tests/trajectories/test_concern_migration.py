"""The migration that makes concerns cases (issue 13, point 5): concerns written before it
get their status (acknowledged or open) and the history they already had (raised, then
acknowledged) in their transition log."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from buddywerk.trajectories import concern_services as cs
from buddywerk.trajectories.models import Concern
from tests.trajectories.factories import TrajectoryFactory, coordinator_of

BEFORE = [("trajectories", "0008_safeguarding_pause")]


@pytest.mark.django_db(transaction=True)
def test_older_concerns_get_their_status_and_their_history():
    duo = TrajectoryFactory()
    coordinator = coordinator_of(duo)
    waiting = cs.concern_raise(actor=duo.buddy.user, trajectory=duo, urgency="info", text="a")
    taken = cs.concern_raise(actor=duo.buddy.user, trajectory=duo, urgency="urgent", text="b")
    cs.concern_acknowledge(actor=coordinator, concern=taken)
    latest = MigrationExecutor(connection).loader.graph.leaf_nodes()

    MigrationExecutor(connection).migrate(BEFORE)
    MigrationExecutor(connection).migrate(latest)

    waiting, taken = Concern.objects.get(pk=waiting.pk), Concern.objects.get(pk=taken.pk)
    assert (waiting.status, taken.status) == ("open", "acknowledged")
    assert [(r.from_status, r.to_status, r.actor) for r in waiting.transitions.all()] == [
        ("", "open", duo.buddy.user)
    ]
    assert [
        (r.transition, r.to_status, r.actor, r.at) for r in taken.transitions.order_by("id")
    ] == [
        ("", "open", duo.buddy.user, taken.raised_at),
        ("acknowledge", "acknowledged", coordinator, taken.acknowledged_at),
    ]
