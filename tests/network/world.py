"""Objects the network routes need in the access-matrix world (tests/access/world.py)."""

from typing import Any

from buddywerk.access.models import Role
from buddywerk.organisations.models import ParticipantKind
from buddywerk.referrals.models import ReferralStatus
from tests.factories import (
    FamilyFactory,
    ProgrammeFactory,
    ReferralFactory,
    UserFactory,
    member,
)
from tests.network.factories import (
    PracticeFactory,
    PracticeSubmissionFactory,
    QuestionFactory,
    municipality,
)


def family_programme() -> Any:
    return ProgrammeFactory(
        name="Gezinsbuddy (test)",
        participant_kind=ParticipantKind.FAMILIES,
        municipalities=[municipality("44021")],
    )


def family_duo_of(buddy: Any, service: Any, *, programme: Any = None, active: bool = True) -> Any:
    """A duo of `buddy` with a new family referred by `service`, in a family programme in
    which `buddy` is an approved buddy; started through the service and, when `active`,
    with the agreements confirmed by both sides (a running duo)."""
    import datetime as dt

    from django.utils import timezone

    from buddywerk.access.models import Membership
    from buddywerk.trajectories import services as duo_services

    programme = programme or family_programme()
    if not Membership.objects.filter(user=buddy.user, organisation=programme).exists():
        member(buddy.user, programme, Role.BUDDY)
    buddy.programmes.add(programme)
    family = FamilyFactory(referred_by=service)
    referral = ReferralFactory(
        programme=programme,
        pupil=None,
        family=family,
        referrer=service,
        status=ReferralStatus.ACCEPTED,
        needs=[],
        criteria=[],
        goals=["finding_services"],
        meeting_modes=["home"],
    )
    duo = duo_services.trajectory_start(
        actor=None,
        programme=programme,
        buddy=buddy,
        referrals=[referral],
        mode="home",
        planned_start=timezone.localdate() - dt.timedelta(days=30),
    )
    if active:
        staff = Membership.objects.filter(organisation=service, role=Role.SCHOOL_STAFF).first()
        staff = staff.user if staff else member(UserFactory(), service, Role.SCHOOL_STAFF)
        duo_services.agreement_confirm(actor=buddy.user, trajectory=duo, side="buddy")
        duo_services.agreement_confirm(actor=staff, trajectory=duo, side="school")
        duo.refresh_from_db()
    return duo


def matched_family_of(buddy: Any, service: Any, *, programme: Any = None) -> Any:
    """A family in a running duo with `buddy` (see `family_duo_of`): the family whose
    introductions to local services only `buddy` reads and records."""
    return family_duo_of(buddy, service, programme=programme).participants.get().family


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
        "family_programme": families,
        # A family in a running duo with the world's buddy.
        "matched_family": matched_family_of(buddy, service, programme=families),
    }
