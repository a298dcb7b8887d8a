"""Closure (issue 5): planned, recorded (reason, final well-being, goodbye meeting,
evaluations by both sides), the referral closes with the duo or is deliberately requeued,
and a closed duo is read-only everywhere."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from buddywerk.common.models import AuditEvent
from buddywerk.referrals.models import ReferralStatus
from buddywerk.trajectories import services
from buddywerk.trajectories.enums import (
    CloseReason,
    LeuvenScore,
    MeetingStatus,
    TrajectoryStatus,
    WellbeingMoment,
    WellbeingSource,
)
from buddywerk.trajectories.models import Concern, Meeting, WellbeingScore
from tests.trajectories.factories import TrajectoryFactory, coordinator_of, school_staff_of

pytestmark = pytest.mark.django_db

CLOSED_DUTCH = "afgesloten"


def _close(duo, **kwargs):
    values = {"reason": CloseReason.ENDED_AS_PLANNED, "final_wellbeing": 4}
    values.update(kwargs)
    return services.trajectory_close(actor=coordinator_of(duo), trajectory=duo, **values)


def test_closing_records_reason_score_goodbye_and_closes_the_referral():
    duo = TrajectoryFactory()
    today = timezone.localdate()
    services.meeting_log(
        actor=duo.buddy.user, trajectory=duo, date=today, duration_minutes=50, is_goodbye=True
    )
    _close(duo, reason=CloseReason.GOALS_REACHED, final_wellbeing=5)
    duo.refresh_from_db()
    assert duo.status == TrajectoryStatus.CLOSED
    assert (duo.close_reason, duo.goodbye_meeting_held) == (CloseReason.GOALS_REACHED, True)
    (end,) = WellbeingScore.objects.filter(trajectory=duo)
    assert (end.moment, end.score, end.date, end.source) == (
        WellbeingMoment.END,
        5,
        duo.closed_on,
        WellbeingSource.COORDINATOR,
    )
    referral = duo.participants.get().referral
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.CLOSED
    assert referral.transitions.order_by("at", "id").last().to_status == ReferralStatus.CLOSED


def test_closing_a_group_writes_an_end_measurement_for_each_pupil():
    duo = TrajectoryFactory(group=True)
    _close(duo, final_wellbeing=2)
    rows = WellbeingScore.objects.filter(trajectory=duo).order_by("participant_id")
    assert [(r.participant_id, r.moment, r.score) for r in rows] == [
        (p.pk, WellbeingMoment.END, 2) for p in duo.participants.order_by("id")
    ]
    # A final score of 2 on a closed duo opens no concern (nobody meets the duo any more).
    assert not Concern.objects.filter(trajectory=duo).exists()


def test_a_duo_that_did_not_start_closes_without_an_end_measurement():
    duo = TrajectoryFactory()
    _close(duo, reason=CloseReason.NOT_STARTED, final_wellbeing=None)
    assert not WellbeingScore.objects.filter(trajectory=duo).exists()


def test_a_refused_closure_writes_no_end_measurement():
    duo = TrajectoryFactory()
    with pytest.raises(ValidationError):
        _close(duo, closed_on=duo.planned_start - dt.timedelta(days=1))
    assert not WellbeingScore.objects.filter(trajectory=duo).exists()


def test_the_duo_page_shows_the_end_measurement_of_each_participant(client):
    duo = TrajectoryFactory(group=True)
    _close(duo, final_wellbeing=4)
    client.force_login(coordinator_of(duo))
    page = client.get(reverse("trajectories:detail", args=[duo.uuid])).content.decode()
    closure = page.split('id="h-closure"', 1)[1].split("</section>", 1)[0]
    label = str(dict(LeuvenScore.choices)[4])
    assert closure.count(label) == 3


def test_no_goodbye_meeting_is_recorded_as_such():
    duo = TrajectoryFactory()
    services.meeting_log(
        actor=duo.buddy.user, trajectory=duo, date=timezone.localdate(), duration_minutes=50
    )
    _close(duo)
    duo.refresh_from_db()
    assert duo.goodbye_meeting_held is False


def test_final_score_is_required_and_bounded():
    duo = TrajectoryFactory()
    with pytest.raises(ValidationError) as error:
        _close(duo, final_wellbeing=None)
    assert "welbevinden" in error.value.message_dict["final_wellbeing"][0]
    with pytest.raises(ValidationError):
        _close(duo, final_wellbeing=7)
    duo.refresh_from_db()
    assert duo.status == TrajectoryStatus.ACTIVE


def test_rematch_is_a_deliberate_decision_with_a_reason_after_an_early_end():
    duo = TrajectoryFactory()
    referral = duo.participants.get().referral
    _close(
        duo,
        reason=CloseReason.STOPPED_BY_BUDDY,
        rematch_reason="Buddy verhuist; Lien wil graag verder.",
    )
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.ACCEPTED  # back in the programme's queue
    last = referral.transitions.order_by("at", "id").last()
    assert (last.from_status, last.reason) == (
        ReferralStatus.MATCHED,
        "Buddy verhuist; Lien wil graag verder.",
    )
    assert AuditEvent.objects.filter(action="trajectory.rematch").count() == 1


def test_no_rematch_after_a_duo_that_reached_its_goals_and_never_automatic():
    duo = TrajectoryFactory()
    with pytest.raises(ValidationError) as error:
        _close(duo, reason=CloseReason.GOALS_REACHED, rematch_reason="Toch nog eens")
    assert "vroegtijdig" in error.value.message_dict["rematch_reason"][0]
    duo.refresh_from_db()
    assert duo.status == TrajectoryStatus.ACTIVE
    # An early end without a decision closes the referral: nothing is requeued by itself.
    _close(duo, reason=CloseReason.STOPPED_BY_SCHOOL)
    referral = duo.participants.get().referral
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.CLOSED


def test_each_side_writes_its_own_evaluation_and_it_freezes_after_closure():
    duo = TrajectoryFactory()
    staff = school_staff_of(duo)
    services.trajectory_evaluate(actor=duo.buddy.user, trajectory=duo, text="Fijn duo.")
    _close(duo)
    # The school had not written one yet: it may add it once after the closure.
    services.trajectory_evaluate(actor=staff, trajectory=duo, text="Goede vooruitgang.")
    duo.refresh_from_db()
    assert (duo.buddy_evaluation, duo.school_evaluation) == ("Fijn duo.", "Goede vooruitgang.")
    assert duo.school_evaluated_by == staff
    for actor in (duo.buddy.user, staff):
        with pytest.raises(ValidationError) as error:
            services.trajectory_evaluate(actor=actor, trajectory=duo, text="Nog iets")
        assert CLOSED_DUTCH in error.value.messages[0]
    with pytest.raises(PermissionDenied):
        services.trajectory_evaluate(actor=coordinator_of(duo), trajectory=duo, text="x")
    duo.refresh_from_db()
    assert duo.buddy_evaluation == "Fijn duo."


def test_closed_duo_refuses_every_write_with_a_clear_message():
    duo = TrajectoryFactory()
    today = timezone.localdate()
    planned = services.meeting_plan(
        actor=duo.buddy.user, trajectory=duo, date=today + dt.timedelta(days=3)
    )
    _close(duo)
    buddy, staff, coordinator = duo.buddy.user, school_staff_of(duo), coordinator_of(duo)
    participant = duo.participants.get()
    writes = [
        lambda: services.meeting_log(actor=buddy, trajectory=duo, date=today, duration_minutes=30),
        lambda: services.meeting_plan(actor=buddy, trajectory=duo, date=today),
        lambda: services.meeting_update(
            actor=buddy,
            meeting=planned,
            date=today,
            status=MeetingStatus.HAPPENED,
            duration_minutes=30,
        ),
        lambda: services.wellbeing_record(
            actor=staff, trajectory=duo, participant=participant, moment="end", score=4
        ),
        lambda: services.agreement_update(actor=coordinator, trajectory=duo, buddy_does="x"),
        lambda: services.agreement_confirm(actor=buddy, trajectory=duo, side="buddy"),
        lambda: services.trajectory_close(
            actor=coordinator, trajectory=duo, reason=CloseReason.MOVED, final_wellbeing=3
        ),
    ]
    for write in writes:
        with pytest.raises(ValidationError) as error:
            write()
        assert CLOSED_DUTCH in error.value.messages[0]
    planned.refresh_from_db()
    assert planned.status == MeetingStatus.PLANNED
    assert Meeting.objects.filter(trajectory=duo).count() == 1


def test_closed_duo_pages_hide_forms_and_redirect(client):
    duo = TrajectoryFactory()
    # One meeting held: the duo has a certificate (issue 16, point 10).
    services.meeting_log(
        actor=duo.buddy.user, trajectory=duo, date=timezone.localdate(), duration_minutes=45
    )
    _close(duo)
    client.force_login(duo.buddy.user)
    page = client.get(reverse("trajectories:detail", args=[duo.uuid])).content.decode()
    assert reverse("trajectories:meeting_create", args=[duo.uuid]) not in page
    assert reverse("trajectories:meeting_plan", args=[duo.uuid]) not in page
    assert CLOSED_DUTCH in page
    assert reverse("trajectories:certificate", args=[duo.uuid]) in page
    for name in ("meeting_create", "meeting_plan", "wellbeing_create"):
        response = client.get(reverse(f"trajectories:{name}", args=[duo.uuid]))
        assert response.status_code == 302, name
    response = client.post(
        reverse("trajectories:meeting_create", args=[duo.uuid]),
        {
            "date": timezone.localdate().isoformat(),
            "status": "happened",
            "duration_minutes": 30,
            "note_visibility": "private",
        },
    )
    assert response.status_code == 302
    assert duo.meetings.count() == 1  # the one held before the closure, nothing added
    client.force_login(coordinator_of(duo))
    page = client.get(reverse("trajectories:detail", args=[duo.uuid])).content.decode()
    assert reverse("trajectories:close", args=[duo.uuid]) not in page
    assert client.get(reverse("trajectories:close", args=[duo.uuid])).status_code == 302


def test_coordinator_closes_through_the_form(client):
    duo = TrajectoryFactory()
    client.force_login(coordinator_of(duo))
    response = client.post(
        reverse("trajectories:close", args=[duo.uuid]),
        {
            "close_reason": CloseReason.MOVED,
            "closed_on": timezone.localdate().isoformat(),
            "final_wellbeing": "3",
            "note": "",
            "rematch_reason": "",
        },
    )
    assert response.status_code == 302
    duo.refresh_from_db()
    assert duo.status == TrajectoryStatus.CLOSED
    assert list(duo.wellbeing_scores.values_list("moment", "score")) == [(WellbeingMoment.END, 3)]


def test_goodbye_prompt_shows_within_two_weeks_of_the_end(client):
    today = timezone.localdate()
    near = TrajectoryFactory(
        planned_start=today - dt.timedelta(weeks=8), planned_end=today + dt.timedelta(days=10)
    )
    far = TrajectoryFactory(
        planned_start=today - dt.timedelta(weeks=2), planned_end=today + dt.timedelta(weeks=8)
    )
    assert near.end_is_near(today) and not far.end_is_near(today)
    client.force_login(near.buddy.user)
    page = client.get(reverse("trajectories:detail", args=[near.uuid])).content.decode()
    assert "afscheidsmoment" in page
    client.force_login(far.buddy.user)
    page = client.get(reverse("trajectories:detail", args=[far.uuid])).content.decode()
    assert "Plan het afscheidsmoment" not in page


def test_a_planned_meeting_can_be_the_goodbye_meeting(client):
    duo = TrajectoryFactory()
    client.force_login(duo.buddy.user)
    day = timezone.localdate() + dt.timedelta(days=5)
    response = client.post(
        reverse("trajectories:meeting_plan", args=[duo.uuid]),
        {
            "date": day.isoformat(),
            "start_time": "14:00",
            "duration_minutes": 50,
            "is_goodbye": "on",
        },
    )
    assert response.status_code == 302
    assert Meeting.objects.get(trajectory=duo).is_goodbye


def test_school_writes_its_evaluation_through_the_form(client):
    duo = TrajectoryFactory()
    staff = school_staff_of(duo)
    client.force_login(staff)
    url = reverse("trajectories:evaluate", args=[duo.uuid])
    response = client.post(url, {"text": "x" * 2001})
    assert response.status_code == 200
    assert "hoogstens 2000 tekens" in response.content.decode()
    response = client.post(url, {"text": "Sterke band, meer zelfvertrouwen in de klas."})
    assert response.status_code == 302
    duo.refresh_from_db()
    assert duo.school_evaluation == "Sterke band, meer zelfvertrouwen in de klas."
    assert duo.buddy_evaluation == ""
    page = client.get(reverse("trajectories:detail", args=[duo.uuid])).content.decode()
    assert "Sterke band" in page
