"""The trajectory state machine: one table, transition services, a log (ARCHITECTURE.md 4)."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from buddywerk.common.models import AuditEvent
from buddywerk.referrals.models import ReferralStatus
from buddywerk.trajectories import services
from buddywerk.trajectories.enums import CloseReason, TrajectoryStatus
from buddywerk.trajectories.workflow import TRAJECTORY
from tests.trajectories.factories import TrajectoryFactory, coordinator_of, school_staff_of

pytestmark = pytest.mark.django_db


def test_the_table_knows_every_status_and_closed_is_final():
    assert TRAJECTORY.final_states == {TrajectoryStatus.CLOSED}
    assert not TRAJECTORY.can_move(TrajectoryStatus.CLOSED, TrajectoryStatus.ACTIVE)
    # Only the safeguarding cascade (the system) pauses a duo that has not started yet.
    assert [
        t.name
        for t in TRAJECTORY.transitions
        if TrajectoryStatus.PLANNED in t.sources and t.target == TrajectoryStatus.PAUSED
    ] == ["safeguarding_pause"]
    assert TRAJECTORY["safeguarding_pause"].allowed is None


def test_start_waits_for_agreements_and_matches_the_referral():
    duo = TrajectoryFactory(planned=True)
    assert duo.status == TrajectoryStatus.PLANNED
    participant = duo.participants.get()
    assert participant.referral.status == ReferralStatus.MATCHED
    assert list(duo.transitions.values_list("from_status", "to_status")) == [("", "planned")]
    assert AuditEvent.objects.filter(action="trajectory.start").count() == 1


def test_both_confirmations_activate_the_duo_with_a_log():
    duo = TrajectoryFactory(planned=True)
    services.agreement_confirm(actor=duo.buddy.user, trajectory=duo, side="buddy")
    duo.refresh_from_db()
    assert duo.status == TrajectoryStatus.PLANNED
    services.agreement_confirm(actor=school_staff_of(duo), trajectory=duo, side="school")
    duo.refresh_from_db()
    assert duo.status == TrajectoryStatus.ACTIVE
    last = duo.transitions.last()
    assert (last.from_status, last.to_status) == ("planned", "active")
    assert last.actor == school_staff_of(duo)


def test_parental_consent_is_on_record_for_every_duo():
    """R9: the parents' consent for a minor is on record. The referrals app guarantees it
    for every submitted referral (a database constraint), so no duo can lack it."""
    duo = TrajectoryFactory(planned=True)
    assert services.consent_problem(duo) == ""
    referral = duo.participants.get().referral
    with pytest.raises(IntegrityError), transaction.atomic():
        type(referral).objects.filter(pk=referral.pk).update(consent_given_on=None)


def test_changing_agreements_asks_for_new_confirmations():
    duo = TrajectoryFactory()
    services.agreement_update(
        actor=coordinator_of(duo), trajectory=duo, buddy_does="Huiswerk en lezen."
    )
    duo.agreement.refresh_from_db()
    assert duo.agreement.buddy_confirmed_at is None
    assert duo.agreement.school_confirmed_at is None


def test_pause_resume_close_and_closed_is_read_only():
    duo = TrajectoryFactory()
    coordinator = coordinator_of(duo)
    services.trajectory_pause(actor=coordinator, trajectory=duo, reason="Ziekte")
    assert duo.status == TrajectoryStatus.PAUSED
    services.trajectory_resume(actor=coordinator, trajectory=duo)
    assert duo.status == TrajectoryStatus.ACTIVE
    services.trajectory_close(
        actor=coordinator, trajectory=duo, reason=CloseReason.GOALS_REACHED, final_wellbeing=4
    )
    assert duo.status == TrajectoryStatus.CLOSED
    assert duo.close_reason == CloseReason.GOALS_REACHED
    assert [t.to_status for t in duo.transitions.all()] == [
        "planned",
        "active",
        "paused",
        "active",
        "closed",
    ]
    with pytest.raises(ValidationError):
        services.trajectory_resume(actor=coordinator, trajectory=duo)
    with pytest.raises(ValidationError):
        services.meeting_log(
            actor=duo.buddy.user, trajectory=duo, date=timezone.localdate(), duration_minutes=30
        )
    assert duo.meetings.count() == 0


def test_only_the_programme_coordinator_closes():
    duo = TrajectoryFactory()
    with pytest.raises(PermissionDenied):
        services.trajectory_close(
            actor=duo.buddy.user, trajectory=duo, reason=CloseReason.ENDED_AS_PLANNED
        )
    duo.refresh_from_db()
    assert duo.status == TrajectoryStatus.ACTIVE


def test_defaults_twelve_weeks_for_pupils_and_warning_below_six_weeks():
    start = dt.date(2026, 9, 1)
    duo = TrajectoryFactory(planned_start=start)
    assert duo.planned_end == start + dt.timedelta(weeks=12)
    assert not duo.is_shorter_than_advised
    short = TrajectoryFactory(planned_start=start, planned_end=start + dt.timedelta(weeks=4))
    assert short.is_shorter_than_advised


def test_family_default_is_six_months_twice_a_month():
    assert services.default_planned_end(
        for_family=True, planned_start=dt.date(2026, 8, 31)
    ) == dt.date(2027, 2, 28)
    assert services.default_frequency(for_family=True) == "twice_monthly"
