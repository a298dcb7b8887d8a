"""Issue 14, point 1: migration trajectories/0010 turns the final score stored on a closed
duo into an end measurement of each participant, and back."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from buddywerk.trajectories.enums import WellbeingMoment, WellbeingSource
from buddywerk.trajectories.models import WellbeingScore
from tests.trajectories.factories import TrajectoryFactory

BEFORE = [("trajectories", "0009_concern_case")]


def _migrate(targets):
    MigrationExecutor(connection).migrate(targets)
    applied = [target for target in targets if target[1] is not None]
    return MigrationExecutor(connection).loader.project_state(applied).apps


@pytest.mark.django_db(transaction=True)
def test_stored_final_scores_become_end_measurements_of_every_participant():
    group = TrajectoryFactory(closed=True, group=True, final_wellbeing=4)
    single = TrajectoryFactory(closed=True, final_wellbeing=2)
    open_duo = TrajectoryFactory()
    try:
        old = _migrate(BEFORE)
        Trajectory = old.get_model("trajectories", "Trajectory")
        Score = old.get_model("trajectories", "WellbeingScore")
        # Backwards, the coordinator's end score went back on the duo.
        assert Trajectory.objects.get(pk=group.pk).final_wellbeing == 4
        # Data as it was before issue 14: the score only on the duo. The single duo's pupil
        # already had the same end score that day (recorded by the buddy): it stays one row.
        Score.objects.filter(source="coordinator").delete()
        Score.objects.create(
            trajectory_id=single.pk,
            participant_id=single.participants.get().pk,
            date=single.closed_on,
            moment="end",
            source="buddy",
            score=2,
        )
        assert Trajectory.objects.get(pk=open_duo.pk).final_wellbeing is None
    finally:
        _migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())
    rows = WellbeingScore.objects.filter(moment=WellbeingMoment.END).order_by("participant_id")
    got = {(r.participant_id, r.score, r.date, r.source) for r in rows}
    assert got == {
        *(
            (p.pk, 4, group.closed_on, WellbeingSource.COORDINATOR)
            for p in group.participants.all()
        ),
        (single.participants.get().pk, 2, single.closed_on, WellbeingSource.BUDDY),
    }
    assert not WellbeingScore.objects.filter(trajectory=open_duo).exists()
