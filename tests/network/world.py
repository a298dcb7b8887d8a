"""Objects the network routes need in the access-matrix world (tests/access/world.py)."""

from typing import Any

from buddywerk.network.models import LocalService
from buddywerk.organisations.models import ParticipantKind
from tests.factories import ProgrammeFactory
from tests.network.factories import (
    PracticeFactory,
    PracticeSubmissionFactory,
    QuestionFactory,
    municipality,
)
from tests.trajectories.factories import TrajectoryFactory


def family_programme() -> Any:
    return ProgrammeFactory(
        name="Gezinsbuddy (test)",
        participant_kind=ParticipantKind.FAMILIES,
        municipalities=[municipality("44021")],
    )


def objects(*, buddy: Any, service: Any, **_: Any) -> dict[str, Any]:
    mechelen = municipality("12025")
    families = family_programme()
    return {
        "practice": PracticeFactory(title="Buddy Mechelen (sheet)", places=[mechelen]),
        # In the province of the world's regional coordinator (Antwerp).
        "practice_submission": PracticeSubmissionFactory(places=[mechelen]),
        "changes_requested_submission": PracticeSubmissionFactory(
            places=[mechelen], status="changes_requested", moderation_reason="Meer uitleg."
        ),
        "unconfirmed_submission": PracticeSubmissionFactory(
            places=[mechelen], status="unconfirmed", confirmed_at=None
        ),
        "question": QuestionFactory(),
        # Issue 20: a local service in Mechelen, the world programme's coverage area.
        "local_service": LocalService.objects.create(
            municipality=mechelen, name="Huis van het Kind Mechelen (test)", category="childcare"
        ),
        "family_programme": families,
        # A family in a running duo with the world's buddy (only they read and record its
        # introductions to local services).
        "matched_family": TrajectoryFactory(
            family=True, buddy=buddy, service=service, programme=families
        )
        .participants.get()
        .family,
    }
