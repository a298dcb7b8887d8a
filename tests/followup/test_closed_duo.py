"""A closed duo is read-only, decided in one place (issue 12, point 8): every write
service of a duo and of its follow-up refuses a closed duo with the same code and a clear
Dutch message, and changes nothing. A new write service fails this test until it is walked
here or exempted with its reason."""

import datetime as dt
import inspect

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from buddywerk.common.models import AuditEvent
from buddywerk.followup import services as followup
from buddywerk.followup.models import (
    CheckIn,
    FollowUpAction,
    Observation,
    RelationshipSurvey,
    TandemNote,
)
from buddywerk.trajectories import concern_services, services
from buddywerk.trajectories.enums import CloseReason, MeetingStatus
from buddywerk.trajectories.models import Concern, Meeting, Trajectory, WellbeingScore
from tests.trajectories.factories import TrajectoryFactory, coordinator_of, school_staff_of

pytestmark = pytest.mark.django_db

# Writes that are not refused on a closed duo, each for a reason.
EXEMPT = {
    # no duo yet
    "trajectory_start": "starts a duo",
    "trajectory_start_from_proposal": "starts a duo",
    # the closure's own record
    "trajectory_evaluate": "a side that has not evaluated yet adds it once after the closure",
    "participants_rematch": "part of the closure: requeues the referrals, not the duo",
    # safeguarding does not stop at the closure
    "concern_acknowledge": "an open concern is still acknowledged",
    "concern_record_outcome": "a concern is still followed up (issue 13, point 5)",
    "concern_close": "a concern is still closed by a named person (issue 13, point 5)",
    # the programme's kijkwijzer, not one duo's
    "observation_criterion_add": "programme-level",
    "observation_criterion_toggle": "programme-level",
}


def _write_services() -> set[str]:
    """Every public service (keyword `actor`) of the duo, its concerns and its follow-up."""
    names = set()
    for module in (services, concern_services, followup):
        for name, function in inspect.getmembers(module, inspect.isfunction):
            if function.__module__ != module.__name__ or name.startswith("_"):
                continue
            if "actor" in inspect.signature(function).parameters:
                names.add(name)
    return names


def _counts() -> dict[str, int]:
    models = [
        Meeting,
        WellbeingScore,
        Concern,
        TandemNote,
        Observation,
        FollowUpAction,
        CheckIn,
        RelationshipSurvey,
    ]
    return {model.__name__: model.objects.count() for model in models}


def test_every_write_service_refuses_a_closed_duo_and_changes_nothing():
    duo = TrajectoryFactory()
    buddy, staff, coordinator = duo.buddy.user, school_staff_of(duo), coordinator_of(duo)
    today = timezone.localdate()
    planned = services.meeting_plan(actor=buddy, trajectory=duo, date=today + dt.timedelta(2))
    criteria = followup.observation_criteria_for(duo.programme)
    observation = followup.observation_record(
        actor=coordinator,
        trajectory=duo,
        observed_on=today,
        scores={c.pk: (3, "") for c in criteria},
        actions=[("Bel de school", today + dt.timedelta(7))],
    )
    action = observation.actions.get()
    services.trajectory_close(
        actor=coordinator, trajectory=duo, reason=CloseReason.MOVED, final_wellbeing=3
    )
    duo.refresh_from_db()
    participant = duo.participants.get()
    writes = {
        "trajectory_pause": lambda: services.trajectory_pause(
            actor=coordinator, trajectory=duo, reason="Vakantie"
        ),
        "trajectory_resume": lambda: services.trajectory_resume(actor=coordinator, trajectory=duo),
        "trajectory_activate": lambda: services.trajectory_activate(
            actor=coordinator, trajectory=duo
        ),
        "trajectory_close": lambda: services.trajectory_close(
            actor=coordinator, trajectory=duo, reason=CloseReason.MOVED, final_wellbeing=3
        ),
        "agreement_update": lambda: services.agreement_update(
            actor=coordinator, trajectory=duo, buddy_does="x"
        ),
        "agreement_confirm": lambda: services.agreement_confirm(
            actor=buddy, trajectory=duo, side="buddy"
        ),
        "school_insurance_confirm": lambda: services.school_insurance_confirm(
            actor=staff, trajectory=duo
        ),
        "meeting_log": lambda: services.meeting_log(
            actor=buddy, trajectory=duo, date=today, duration_minutes=30
        ),
        "meeting_plan": lambda: services.meeting_plan(actor=buddy, trajectory=duo, date=today),
        "meeting_update": lambda: services.meeting_update(
            actor=buddy,
            meeting=planned,
            date=today,
            status=MeetingStatus.HAPPENED,
            duration_minutes=30,
        ),
        "wellbeing_record": lambda: services.wellbeing_record(
            actor=staff, trajectory=duo, participant=participant, moment="end", score=4
        ),
        "concern_raise": lambda: concern_services.concern_raise(
            actor=buddy, trajectory=duo, urgency="urgent", text="Help"
        ),
        "tandem_note_add": lambda: followup.tandem_note_add(
            actor=buddy, trajectory=duo, text="Hoe gaat het?"
        ),
        "observation_record": lambda: followup.observation_record(
            actor=coordinator,
            trajectory=duo,
            observed_on=today,
            scores={c.pk: (3, "") for c in criteria},
        ),
        "action_done": lambda: followup.action_done(actor=coordinator, action=action),
        "checkin_record": lambda: followup.checkin_record(
            actor=coordinator, trajectory=duo, date=today, channel="phone"
        ),
        "survey_record": lambda: followup.survey_record(
            actor=buddy,
            trajectory=duo,
            respondent="buddy",
            moment="end",
            answers=[4] * len(RelationshipSurvey.ITEMS),
        ),
    }
    assert _write_services() == set(writes) | set(EXEMPT), (
        "Walk each new write service on a closed duo here, or exempt it with a reason."
    )
    before = (_counts(), AuditEvent.objects.count(), Trajectory.objects.get(pk=duo.pk).status)
    for name, write in writes.items():
        with pytest.raises(ValidationError) as refused:
            write()
        assert refused.value.code == "closed", name
        assert "afgesloten" in refused.value.messages[0], name
    after = (_counts(), AuditEvent.objects.count(), Trajectory.objects.get(pk=duo.pk).status)
    assert after == before
    action.refresh_from_db()
    assert action.done_at is None


def test_every_page_that_changes_a_closed_duo_sends_back_to_it_with_the_reason(client):
    """One guard for the views too: the form is not shown, nothing is changed, and the
    duo's page says why."""
    duo = TrajectoryFactory()
    buddy, staff, coordinator = duo.buddy.user, school_staff_of(duo), coordinator_of(duo)
    today = timezone.localdate()
    planned = services.meeting_plan(actor=buddy, trajectory=duo, date=today + dt.timedelta(2))
    criteria = followup.observation_criteria_for(duo.programme)
    observation = followup.observation_record(
        actor=coordinator,
        trajectory=duo,
        observed_on=today,
        scores={c.pk: (3, "") for c in criteria},
        actions=[("Bel de school", today + dt.timedelta(7))],
    )
    action = observation.actions.get()
    services.trajectory_close(
        actor=coordinator, trajectory=duo, reason=CloseReason.MOVED, final_wellbeing=3
    )
    uuid = duo.uuid
    pages = [
        (coordinator, "get", "trajectories:agreement_edit", [uuid]),
        (coordinator, "get", "trajectories:meeting_create", [uuid]),
        (coordinator, "get", "trajectories:meeting_plan", [uuid]),
        (coordinator, "get", "trajectories:meeting_edit", [uuid, planned.uuid]),
        (coordinator, "get", "trajectories:wellbeing_create", [uuid]),
        (coordinator, "get", "trajectories:pause", [uuid]),
        (coordinator, "post", "trajectories:resume", [uuid]),
        (coordinator, "get", "trajectories:close", [uuid]),
        (coordinator, "get", "trajectories:concern_create", [uuid]),
        (buddy, "post", "trajectories:agreement_confirm", [uuid]),
        (staff, "post", "trajectories:insurance_confirm", [uuid]),
        (buddy, "post", "followup:tandem", [uuid]),
        (coordinator, "get", "followup:observation_create", [uuid]),
        (coordinator, "post", "followup:action_done", [uuid, action.uuid]),
        (coordinator, "get", "followup:checkin_create", [uuid]),
        (buddy, "get", "followup:survey_create", [uuid, "buddy"]),
        (coordinator, "get", "followup:survey_create", [uuid, "participant"]),
    ]
    detail = reverse("trajectories:detail", args=[uuid])
    before = _counts()
    for user, method, name, args in pages:
        client.force_login(user)
        response = getattr(client, method)(reverse(name, args=args), follow=True)
        assert response.redirect_chain == [(detail, 302)], name
        assert "afgesloten" in response.content.decode(), name
    assert _counts() == before
