"""Issue 13, point 1: declining (or ending) a buddy cascades in the same transaction.

A buddy with two duos (one with a pupil, a minor; one with a family) and three open
proposals is declined: both duos are paused by the system with a reason naming the
safeguarding step, planned meetings are cancelled, the proposals are withdrawn and their
referrals are back in the queue, and the school, the service and the coordinators are
mailed "paused by the programme" and nothing more. A paused duo refuses the buddy's
meetings; reopening or approving the buddy again resumes nothing."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from buddywerk.access.models import Membership, Role
from buddywerk.buddies import services as buddy_services
from buddywerk.buddies.models import ScreeningStatus
from buddywerk.common.audit import AuditAction
from buddywerk.common.models import AuditEvent
from buddywerk.mail.models import OutgoingMail
from buddywerk.matching.enums import ProposalStatus
from buddywerk.matching.models import Proposal
from buddywerk.referrals.enums import ReferralStatus
from buddywerk.trajectories import services
from buddywerk.trajectories.enums import MeetingStatus, SafeguardingStep, TrajectoryStatus
from buddywerk.trajectories.models import Meeting, MeetingTransition, TrajectoryTransition
from tests.factories import BuddyFactory, SchoolFactory, UserFactory, member
from tests.matching.helpers import open_proposal
from tests.trajectories.factories import TrajectoryFactory

pytestmark = pytest.mark.django_db


def _decline_world():
    buddy = BuddyFactory(capacity=6)
    pupil_duo = TrajectoryFactory(buddy=buddy)
    family_duo = TrajectoryFactory(buddy=buddy, family=True, planned=True)
    programme = pupil_duo.programme
    coordinator = member(UserFactory(), programme, Role.PROGRAMME_COORDINATOR, is_lead=True)
    family_coordinator = member(
        UserFactory(), family_duo.programme, Role.PROGRAMME_COORDINATOR, is_lead=True
    )
    teacher = member(UserFactory(), pupil_duo.school, Role.SCHOOL_STAFF)
    social_worker = member(UserFactory(), family_duo.school, Role.SCHOOL_STAFF)
    day = timezone.localdate() + dt.timedelta(days=3)
    planned = [
        services.meeting_plan(actor=buddy.user, trajectory=pupil_duo, date=day),
        services.meeting_plan(
            actor=buddy.user, trajectory=pupil_duo, date=day + dt.timedelta(days=7)
        ),
    ]
    happened = services.meeting_log(
        actor=buddy.user, trajectory=pupil_duo, date=timezone.localdate(), duration_minutes=45
    )
    school = SchoolFactory()
    proposals = [open_proposal(programme=programme, buddy=buddy, school=school) for _ in range(3)]
    from buddywerk.matching import services as matching_services

    matching_services.proposal_accept(actor=buddy.user, proposal=proposals[2])
    OutgoingMail.objects.all().delete()
    return {
        "buddy": buddy,
        "programme": programme,
        "pupil_duo": pupil_duo,
        "family_duo": family_duo,
        "coordinator": coordinator,
        "family_coordinator": family_coordinator,
        "teacher": teacher,
        "social_worker": social_worker,
        "planned": planned,
        "happened": happened,
        "proposals": proposals,
    }


def _decline(w):
    return buddy_services.buddy_decline(
        actor=w["coordinator"],
        buddy=w["buddy"],
        programme=w["programme"],
        reason="Signaal ontvangen.",
    )


def test_declining_a_buddy_pauses_both_duos_with_the_safeguarding_step():
    w = _decline_world()
    _decline(w)
    for duo, was in ((w["pupil_duo"], "active"), (w["family_duo"], "planned")):
        duo.refresh_from_db()
        assert duo.status == TrajectoryStatus.PAUSED
        assert duo.paused_for_safeguarding
        log = TrajectoryTransition.objects.filter(trajectory=duo).latest("pk")
        assert (log.from_status, log.to_status, log.transition, log.actor) == (
            was,
            "paused",
            "safeguarding_pause",
            None,
        )
        assert log.reason == str(SafeguardingStep.BUDDY_DECLINED.label)
    assert w["buddy"].status == ScreeningStatus.DECLINED


def test_declining_cancels_planned_meetings_and_keeps_logged_ones():
    w = _decline_world()
    _decline(w)
    for meeting in w["planned"]:
        meeting.refresh_from_db()
        assert meeting.status == MeetingStatus.CANCELLED
        assert meeting.cancel_reason == "other"
        # Through the meeting workflow, as the system: a log row and a cancel audit event.
        log = MeetingTransition.objects.get(meeting=meeting)
        assert (log.transition, log.actor, log.to_status) == ("cancel", None, "cancelled")
        assert "veiligheid" in log.reason
    cancels = AuditEvent.objects.filter(action=AuditAction.MEETING_CANCEL, actor=None)
    assert cancels.count() == len(w["planned"]) > 0
    w["happened"].refresh_from_db()
    assert w["happened"].status == MeetingStatus.HAPPENED
    assert not Meeting.objects.filter(
        trajectory__buddy=w["buddy"], status=MeetingStatus.PLANNED
    ).exists()


def test_declining_withdraws_every_open_proposal_and_requeues_the_referrals():
    w = _decline_world()
    assert {p.status for p in w["proposals"]} == {ProposalStatus.PENDING, ProposalStatus.ACCEPTED}
    _decline(w)
    for proposal in w["proposals"]:
        proposal.refresh_from_db()
        assert proposal.status == ProposalStatus.WITHDRAWN
        assert proposal.referral.status == ReferralStatus.ACCEPTED  # in the queue again
    assert AuditEvent.objects.filter(action="proposal.withdrawn", actor=None).count() == 3


def test_the_partners_and_coordinators_are_mailed_without_the_reason():
    w = _decline_world()
    _decline(w)
    mails = OutgoingMail.objects.filter(kind="trajectories.safeguarding_paused")
    recipients = sorted(m.to for m in mails)
    # everyone at the school or service, every coordinator of the duo's programme, once
    expected = sorted(
        m.user.email
        for duo in (w["pupil_duo"], w["family_duo"])
        for m in Membership.objects.active().filter(
            organisation_id__in=[duo.school_id, duo.programme_id],
            role__in=[Role.SCHOOL_STAFF, Role.PROGRAMME_COORDINATOR],
        )
    )
    assert recipients == expected
    for person in (w["teacher"], w["coordinator"], w["social_worker"], w["family_coordinator"]):
        assert person.email in recipients
    assert w["buddy"].user.email not in recipients
    pupil = w["pupil_duo"].participants.get().pupil
    for mail in mails:
        text = mail.subject + mail.body
        assert "gepauzeerd door de buddywerking" in text
        assert "Signaal" not in text
        assert "Veiligheid" not in text
        assert pupil.first_name not in text
        assert pupil.last_name not in text


def test_a_paused_duo_refuses_the_buddys_meetings_and_reinstating_resumes_nothing():
    w = _decline_world()
    _decline(w)
    duo = w["pupil_duo"]
    duo.refresh_from_db()
    buddy_services.buddy_reopen(actor=w["coordinator"], buddy=w["buddy"], programme=w["programme"])
    buddy_services.buddy_approve(actor=w["coordinator"], buddy=w["buddy"], programme=w["programme"])
    duo.refresh_from_db()
    assert duo.status == TrajectoryStatus.PAUSED and duo.paused_for_safeguarding
    with pytest.raises(ValidationError, match="gepauzeerd door de buddywerking"):
        services.meeting_log(
            actor=w["buddy"].user, trajectory=duo, date=timezone.localdate(), duration_minutes=30
        )
    with pytest.raises(ValidationError, match="gepauzeerd door de buddywerking"):
        services.meeting_plan(
            actor=w["buddy"].user,
            trajectory=duo,
            date=timezone.localdate() + dt.timedelta(days=2),
        )
    # the coordinator resumes the duo by hand: meetings are possible again
    services.trajectory_resume(actor=w["coordinator"], trajectory=duo)
    duo.refresh_from_db()
    assert duo.status == TrajectoryStatus.ACTIVE and not duo.paused_for_safeguarding
    services.meeting_log(
        actor=w["buddy"].user, trajectory=duo, date=timezone.localdate(), duration_minutes=30
    )


def test_a_duo_paused_before_it_started_resumes_as_planned():
    w = _decline_world()
    _decline(w)
    duo = w["family_duo"]
    # not while the buddy is declined: the duo would run with a buddy who may not
    with pytest.raises(ValidationError, match="niet goedgekeurd"):
        services.trajectory_resume(actor=w["family_coordinator"], trajectory=duo)
    buddy_services.buddy_reopen(actor=w["coordinator"], buddy=w["buddy"], programme=w["programme"])
    buddy_services.buddy_approve(actor=w["coordinator"], buddy=w["buddy"], programme=w["programme"])
    duo.refresh_from_db()
    services.trajectory_resume(actor=w["family_coordinator"], trajectory=duo)
    duo.refresh_from_db()
    assert duo.status == TrajectoryStatus.PLANNED and not duo.paused_for_safeguarding


def test_a_duo_already_paused_is_marked_and_its_meetings_refused():
    buddy = BuddyFactory()
    duo = TrajectoryFactory(buddy=buddy, paused=True)
    coordinator = member(UserFactory(), duo.programme, Role.PROGRAMME_COORDINATOR, is_lead=True)
    buddy_services.buddy_decline(
        actor=coordinator, buddy=buddy, programme=duo.programme, reason="Signaal."
    )
    duo.refresh_from_db()
    assert duo.status == TrajectoryStatus.PAUSED and duo.paused_for_safeguarding
    with pytest.raises(ValidationError):
        services.meeting_log(
            actor=coordinator, trajectory=duo, date=timezone.localdate(), duration_minutes=30
        )


def test_a_failed_mail_rolls_the_whole_decline_back(monkeypatch):
    w = _decline_world()
    from buddywerk.trajectories import safeguarding_services

    def boom(trajectory):
        raise RuntimeError("outbox down")

    monkeypatch.setattr(safeguarding_services, "_mail_paused", boom)
    with pytest.raises(RuntimeError):
        _decline(w)
    w["buddy"].refresh_from_db()
    assert w["buddy"].status == ScreeningStatus.APPROVED
    w["pupil_duo"].refresh_from_db()
    assert w["pupil_duo"].status == TrajectoryStatus.ACTIVE
    assert all(
        p.status == ProposalStatus.PENDING
        for p in Proposal.objects.filter(pk__in=[p.pk for p in w["proposals"][:2]])
    )
