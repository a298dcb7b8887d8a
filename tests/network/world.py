"""Objects the network routes need in the access-matrix world (tests/access/world.py)."""

from typing import Any

from buddywerk.access.models import Role
from buddywerk.organisations.models import ParticipantKind
from buddywerk.referrals.models import ReferralStatus
from tests.factories import FamilyFactory, ProgrammeFactory, ReferralFactory, member
from tests.network.factories import (
    PracticeFactory,
    PracticeSubmissionFactory,
    QuestionFactory,
    municipality,
)


def matched_family_of(buddy: Any, service: Any) -> Any:
    """A family matched in a family programme in which `buddy` is also a buddy."""
    family_programme = ProgrammeFactory(
        name="Gezinsbuddy (test)",
        participant_kind=ParticipantKind.FAMILIES,
        municipalities=[municipality("44021")],
    )
    member(buddy.user, family_programme, Role.BUDDY)
    buddy.programmes.add(family_programme)
    family = FamilyFactory(referred_by=service)
    ReferralFactory(
        programme=family_programme,
        pupil=None,
        family=family,
        referrer=service,
        status=ReferralStatus.MATCHED,
        needs=[],
        criteria=[],
        goals=["finding_services"],
        meeting_modes=["home"],
    )
    return family


def objects(*, buddy: Any, service: Any, **_: Any) -> dict[str, Any]:
    mechelen = municipality("12025")
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
        "matched_family": matched_family_of(buddy, service),
    }
