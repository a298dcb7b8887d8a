"""Follow-up objects for the access matrix world (tests/access/world.py)."""

from django.utils import timezone

from buddywerk.followup import services
from buddywerk.trajectories import concern_services


def objects(*, duo, coordinator) -> dict:
    concern = concern_services.concern_raise(
        actor=duo.buddy.user, trajectory=duo, urgency="attention", text="Hij lijkt moe."
    )
    criteria = services.observation_criteria_for(duo.programme)
    today = timezone.localdate()
    observation = services.observation_record(
        actor=coordinator,
        trajectory=duo,
        observed_on=today,
        scores={c.pk: (3, "") for c in criteria},
        actions=[("Bel de school", today)],
    )
    note = services.tandem_note_add(
        actor=duo.buddy.user, trajectory=duo, text="Hij was stil vandaag."
    )
    return {
        "duo_tandem_note": note,
        "duo_concern": concern,
        "duo_observation": observation,
        "duo_action": observation.actions.get(),
        "duo_criterion": criteria[0],
    }
