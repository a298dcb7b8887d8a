"""Issue 13, point 1: suspending a buddy cascades like a decline, and reinstating resumes
nothing. The world is the decline test's: a buddy with two duos (one with a pupil, one with
a family) and three open proposals."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from buddywerk.access.models import Membership, Role
from buddywerk.buddies import services as buddy_services
from buddywerk.buddies.models import BuddyStatusChange, ScreeningStatus
from buddywerk.followup import services as followup
from buddywerk.followup.models import RelationshipSurvey, TandemNote
from buddywerk.learning import services as learning_services
from buddywerk.mail.models import OutgoingMail
from buddywerk.matching.enums import ProposalStatus
from buddywerk.trajectories import services
from buddywerk.trajectories.calendar import planned_meetings_of
from buddywerk.trajectories.enums import SafeguardingStep, TrajectoryStatus
from buddywerk.trajectories.models import TrajectoryTransition, WellbeingScore
from tests.trajectories.test_safeguarding_cascade import _decline_world

pytestmark = pytest.mark.django_db


def _suspend(w, reason="Signaal van de school."):
    return buddy_services.buddy_suspend(
        actor=w["coordinator"], buddy=w["buddy"], programme=w["programme"], reason=reason
    )


def _reinstate(w):
    return buddy_services.buddy_reinstate(
        actor=w["coordinator"], buddy=w["buddy"], programme=w["programme"]
    )


def test_suspending_pauses_both_duos_withdraws_three_proposals_and_keeps_the_memberships():
    w = _decline_world()
    buddy = _suspend(w)
    assert buddy.status == ScreeningStatus.SUSPENDED
    change = BuddyStatusChange.objects.filter(buddy=buddy).latest("pk")
    assert (change.from_status, change.to_status, change.reason) == (
        "approved",
        "suspended",
        "Signaal van de school.",
    )
    for duo in (w["pupil_duo"], w["family_duo"]):
        duo.refresh_from_db()
        assert duo.status == TrajectoryStatus.PAUSED and duo.paused_for_safeguarding
        log = TrajectoryTransition.objects.filter(trajectory=duo).latest("pk")
        assert log.reason == str(SafeguardingStep.BUDDY_SUSPENDED.label)
        assert log.actor is None
    for proposal in w["proposals"]:
        proposal.refresh_from_db()
        assert proposal.status == ProposalStatus.WITHDRAWN
    # a suspension is not an end: the buddy memberships stay for a reinstatement
    assert Membership.objects.active().filter(user=buddy.user, role=Role.BUDDY).exists()
    # the partners hear "paused by the programme", never the suspension's reason
    mails = OutgoingMail.objects.filter(kind="trajectories.safeguarding_paused")
    recipients = {m.to for m in mails}
    for person in ("teacher", "coordinator", "social_worker", "family_coordinator"):
        assert w[person].email in recipients
    assert buddy.user.email not in recipients
    for mail in mails:
        assert "gepauzeerd door de buddywerking" in mail.subject + mail.body
        assert "Signaal" not in mail.subject + mail.body
        assert "geschorst" not in (mail.subject + mail.body).lower()


def test_a_suspension_needs_a_reason_and_changes_nothing_without_one():
    w = _decline_world()
    with pytest.raises(ValidationError) as refused:
        _suspend(w, reason="  ")
    assert "reden" in str(refused.value).lower()
    w["buddy"].refresh_from_db()
    w["pupil_duo"].refresh_from_db()
    assert w["buddy"].status == ScreeningStatus.APPROVED
    assert w["pupil_duo"].status == TrajectoryStatus.ACTIVE


def test_the_calendar_feed_stops_showing_the_cancelled_meetings(client):
    w = _decline_world()
    buddy = w["buddy"]
    token = learning_services.calendar_feed_reset(actor=buddy.user).token
    url = reverse("learning:calendar_feed", args=[token])
    before = client.get(url)
    assert before.content.count(b"BEGIN:VEVENT") == 2
    _suspend(w)
    assert planned_meetings_of(buddy) == []
    assert client.get(url).status_code == 404  # a suspended buddy has no feed at all
    _reinstate(w)
    after = client.get(url)
    assert after.status_code == 200
    assert b"BEGIN:VEVENT" not in after.content  # the cancelled meetings stay out


def test_reinstating_resumes_no_duo_and_the_paused_duo_refuses_the_buddys_writes():
    w = _decline_world()
    _suspend(w)
    buddy = _reinstate(w)
    assert buddy.status == ScreeningStatus.APPROVED
    duo = w["pupil_duo"]
    duo.refresh_from_db()
    assert duo.status == TrajectoryStatus.PAUSED and duo.paused_for_safeguarding
    user = buddy.user
    participant = duo.participants.get()
    writes = {
        "meeting_log": lambda: services.meeting_log(
            actor=user, trajectory=duo, date=timezone.localdate(), duration_minutes=30
        ),
        "meeting_plan": lambda: services.meeting_plan(
            actor=user, trajectory=duo, date=timezone.localdate() + dt.timedelta(days=1)
        ),
        "tandem_note_add": lambda: followup.tandem_note_add(
            actor=user, trajectory=duo, text="Hoe gaat het?"
        ),
        "survey_record": lambda: followup.survey_record(
            actor=user,
            trajectory=duo,
            respondent="buddy",
            moment="end",
            answers=[4] * len(RelationshipSurvey.ITEMS),
        ),
        "wellbeing_record": lambda: services.wellbeing_record(
            actor=user, trajectory=duo, participant=participant, moment="intake", score=4
        ),
    }
    for name, write in writes.items():
        with pytest.raises(ValidationError) as refused:
            write()
        assert "gepauzeerd door de buddywerking" in refused.value.messages[0], name
    assert not TandemNote.objects.filter(trajectory=duo).exists()
    assert not RelationshipSurvey.objects.filter(trajectory=duo).exists()
    assert not WellbeingScore.objects.filter(participant__trajectory=duo).exists()
    # the coordinator resumes the duo: the buddy writes again
    services.trajectory_resume(actor=w["coordinator"], trajectory=duo)
    duo.refresh_from_db()
    followup.tandem_note_add(actor=user, trajectory=duo, text="We zijn terug.")


def test_a_suspended_buddy_holds_no_buddys_rights():
    w = _decline_world()
    _suspend(w)
    w["pupil_duo"].refresh_from_db()
    with pytest.raises((PermissionDenied, ValidationError)):
        services.meeting_log(
            actor=w["buddy"].user,
            trajectory=w["pupil_duo"],
            date=timezone.localdate(),
            duration_minutes=30,
        )


def test_ending_a_suspended_buddy_declines_them_and_keeps_the_duos_paused():
    w = _decline_world()
    _suspend(w)
    buddy = buddy_services.buddy_decline(
        actor=w["coordinator"], buddy=w["buddy"], programme=w["programme"], reason="Einde."
    )
    assert buddy.status == ScreeningStatus.DECLINED
    assert not Membership.objects.active().filter(user=buddy.user, role=Role.BUDDY).exists()
    for duo in (w["pupil_duo"], w["family_duo"]):
        duo.refresh_from_db()
        assert duo.status == TrajectoryStatus.PAUSED and duo.paused_for_safeguarding


def test_only_an_approved_buddy_can_be_suspended():
    w = _decline_world()
    _suspend(w)
    with pytest.raises(ValidationError):
        _suspend(w)
