"""Concerns are cases (issue 13, point 5): acknowledged, given an outcome and closed by a
named person through the CONCERN workflow, each step logged and audited; never closed
without an outcome, never closed twice; escalated to the programme's lead after 2 working
days and an urgent one to the regional coordinator after 5 (once each, weekends skipped);
the lead's home page lists concerns not closed after 30 days; a closed duo's concern is
still followed up. Runs on SQLite and PostgreSQL."""

import datetime as dt

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone, translation

from buddywerk.access.models import Role
from buddywerk.common.audit import AuditAction
from buddywerk.common.models import AuditEvent
from buddywerk.geo.models import Province
from buddywerk.trajectories import concern_services as cs
from buddywerk.trajectories import services
from buddywerk.trajectories.enums import ConcernOutcome, ConcernStatus
from buddywerk.trajectories.models import Concern, ConcernTransition
from buddywerk.trajectories.selectors import concern_history, stale_concerns_for
from tests.factories import OrganisationFactory, UserFactory, member
from tests.trajectories.factories import TrajectoryFactory, coordinator_of, school_staff_of

pytestmark = pytest.mark.django_db


def _aware(*args):
    return dt.datetime(*args, tzinfo=timezone.get_current_timezone())


# Friday 6 March 2026, 10:00: 2 working days later is Tuesday 10 March 10:00 (the weekend
# skipped), 5 working days later Friday 13 March 10:00.
FRIDAY = _aware(2026, 3, 6, 10)
SECOND_WORKING_DAY = _aware(2026, 3, 10, 10)
FIFTH_WORKING_DAY = _aware(2026, 3, 13, 10)
A_MINUTE = dt.timedelta(minutes=1)


def _urgent(duo, *, now=None, urgency="urgent"):
    return cs.concern_raise(
        actor=duo.buddy.user, trajectory=duo, urgency=urgency, text="Blauwe plekken.", now=now
    )


def _snapshot(concern):
    concern.refresh_from_db()
    return (
        concern.status,
        concern.outcome,
        concern.outcome_note,
        concern.closed_by_id,
        concern.closed_at,
        concern.updated_at,
        ConcernTransition.objects.filter(concern=concern).count(),
        AuditEvent.objects.filter(object_id=str(concern.uuid)).count(),
    )


def _region_of(duo):
    """Put the duo's programme in Antwerp and give the province a regional coordinator."""
    antwerp = Province.objects.get(code="VAN")
    duo.programme.province = antwerp
    duo.programme.save(update_fields=["province"])
    region = OrganisationFactory(kind="region", province=antwerp)
    return member(UserFactory(), region, Role.REGIONAL_COORDINATOR)


# --- The case: acknowledge, outcome, close -------------------------------------------


def test_a_concern_is_acknowledged_given_an_outcome_and_closed_each_step_logged_and_audited():
    duo = TrajectoryFactory()
    coordinator = coordinator_of(duo)
    concern = _urgent(duo, now=FRIDAY)
    cs.concern_acknowledge(actor=coordinator, concern=concern, note="Ik bel de school.")
    cs.concern_record_outcome(
        actor=coordinator, concern=concern, outcome=ConcernOutcome.CARE_TEAM, note=""
    )
    cs.concern_close(actor=coordinator, concern=concern)

    concern.refresh_from_db()
    assert concern.status == ConcernStatus.CLOSED
    assert concern.outcome == ConcernOutcome.CARE_TEAM
    assert (concern.outcome_by, concern.closed_by) == (coordinator, coordinator)
    assert concern.closed_at is not None
    log = list(concern.transitions.order_by("at", "id"))
    assert [(r.transition, r.from_status, r.to_status) for r in log] == [
        ("", "", "open"),
        ("acknowledge", "open", "acknowledged"),
        ("record_outcome", "acknowledged", "outcome_recorded"),
        ("close", "outcome_recorded", "closed"),
    ]
    assert [r.actor for r in log] == [duo.buddy.user, coordinator, coordinator, coordinator]
    actions = list(
        AuditEvent.objects.filter(object_type="trajectories.concern", object_id=str(concern.uuid))
        .order_by("id")
        .values_list("action", flat=True)
    )
    assert actions == [
        AuditAction.CONCERN_RAISE,
        AuditAction.CONCERN_ACKNOWLEDGE,
        AuditAction.CONCERN_RECORD_OUTCOME,
        AuditAction.CONCERN_CLOSE,
    ]
    history = concern_history(concern=concern, with_views=False)
    assert [step.actor for step in history] == [
        duo.buddy.user,
        coordinator,
        coordinator,
        coordinator,
    ]
    with translation.override("nl-be"):
        whats = [s.what for s in concern_history(concern=concern, with_views=False)]
    assert whats[2].endswith("Doorverwezen naar het zorgteam van de school")


@pytest.mark.parametrize("acknowledged", [False, True])
def test_a_concern_closed_without_an_outcome_is_refused_and_nothing_changes(acknowledged):
    duo = TrajectoryFactory()
    coordinator = coordinator_of(duo)
    concern = _urgent(duo)
    if acknowledged:
        cs.concern_acknowledge(actor=coordinator, concern=concern)
    before = _snapshot(concern)
    with translation.override("nl-be"), pytest.raises(ValidationError) as refused:
        cs.concern_close(actor=coordinator, concern=concern)
    assert refused.value.code == "no_outcome"
    assert "Een zorgsignaal sluit je pas af met een uitkomst" in refused.value.messages[0]
    assert _snapshot(concern) == before


def test_a_second_close_is_refused_in_dutch_with_who_and_when_and_changes_nothing():
    duo = TrajectoryFactory()
    coordinator = coordinator_of(duo)
    other = member(UserFactory(first_name="Rik"), duo.programme, Role.PROGRAMME_COORDINATOR)
    concern = _urgent(duo)
    cs.concern_acknowledge(actor=coordinator, concern=concern)
    cs.concern_record_outcome(
        actor=coordinator, concern=concern, outcome="resolved", note="Gesprek met mama."
    )
    cs.concern_close(actor=coordinator, concern=concern, now=_aware(2026, 4, 1, 15, 30))
    before = _snapshot(concern)
    with translation.override("nl-be"), pytest.raises(ValidationError) as refused:
        cs.concern_close(actor=other, concern=concern)
    message = refused.value.messages[0]
    assert message.startswith("Dit zorgsignaal werd al afgesloten door ")
    assert coordinator.get_full_name() in message
    assert "01/04/2026 15:30" in message
    assert message.endswith("Er is niets veranderd.")
    assert _snapshot(concern) == before
    # nor is its outcome changed once it is closed
    with pytest.raises(ValidationError):
        cs.concern_record_outcome(actor=other, concern=concern, outcome="authorities")
    assert _snapshot(concern) == before


def test_an_outcome_needs_an_acknowledgement_a_known_outcome_and_a_note_when_resolved():
    duo = TrajectoryFactory()
    coordinator = coordinator_of(duo)
    concern = _urgent(duo)
    before = _snapshot(concern)
    with pytest.raises(ValidationError) as refused:
        cs.concern_record_outcome(actor=coordinator, concern=concern, outcome="resolved", note="x")
    assert refused.value.code == "not_acknowledged"
    assert _snapshot(concern) == before
    cs.concern_acknowledge(actor=coordinator, concern=concern)
    before = _snapshot(concern)
    with pytest.raises(ValidationError) as refused:
        cs.concern_record_outcome(actor=coordinator, concern=concern, outcome="forgotten")
    assert "outcome" in refused.value.message_dict
    with pytest.raises(ValidationError) as refused:
        cs.concern_record_outcome(actor=coordinator, concern=concern, outcome="resolved", note=" ")
    assert "note" in refused.value.message_dict
    assert _snapshot(concern) == before
    # a referral needs no note; recorded again, the outcome is corrected until the closing
    cs.concern_record_outcome(actor=coordinator, concern=concern, outcome="outside_service")
    cs.concern_record_outcome(actor=coordinator, concern=concern, outcome="authorities")
    concern.refresh_from_db()
    assert concern.outcome == "authorities"
    assert concern.transitions.filter(transition="record_outcome").count() == 2


def test_who_may_do_what():
    duo = TrajectoryFactory()
    coordinator = coordinator_of(duo)
    staff = school_staff_of(duo)
    other_duo = TrajectoryFactory()
    outsiders = [
        coordinator_of(other_duo),  # a coordinator of another programme
        other_duo.buddy.user,  # a buddy of another duo
        school_staff_of(other_duo),  # staff of another school
    ]
    concern = _urgent(duo)
    for user in [duo.buddy.user, *outsiders]:
        with pytest.raises(PermissionDenied):
            cs.concern_acknowledge(actor=user, concern=concern)
    # the school takes it up and records the outcome; only the programme closes it
    cs.concern_acknowledge(actor=staff, concern=concern)
    for user in [duo.buddy.user, *outsiders]:
        with pytest.raises(PermissionDenied):
            cs.concern_record_outcome(actor=user, concern=concern, outcome="care_team")
    cs.concern_record_outcome(actor=staff, concern=concern, outcome="care_team")
    before = _snapshot(concern)
    for user in [duo.buddy.user, staff, *outsiders]:
        with pytest.raises(PermissionDenied):
            cs.concern_close(actor=user, concern=concern)
    assert _snapshot(concern) == before
    cs.concern_close(actor=coordinator, concern=concern)
    assert Concern.objects.get(pk=concern.pk).status == ConcernStatus.CLOSED


def test_a_closed_duos_concern_is_still_followed_up_and_closed_but_no_new_one_is_raised():
    duo = TrajectoryFactory()
    coordinator = coordinator_of(duo)
    concern = _urgent(duo)
    services.trajectory_close(
        actor=coordinator, trajectory=duo, reason="ended_as_planned", final_wellbeing=3
    )
    duo.refresh_from_db()
    concern.refresh_from_db()
    cs.concern_acknowledge(actor=coordinator, concern=concern)
    cs.concern_record_outcome(actor=coordinator, concern=concern, outcome="resolved", note="Ok.")
    cs.concern_close(actor=coordinator, concern=concern)
    assert Concern.objects.get(pk=concern.pk).status == ConcernStatus.CLOSED
    with pytest.raises(ValidationError):
        _urgent(duo)


# --- Escalation: the lead after 2 working days, the region after 5 ----------------------


def test_escalates_to_the_lead_on_the_second_working_day_across_the_weekend(
    django_capture_on_commit_callbacks,
):
    duo = TrajectoryFactory()
    lead = member(UserFactory(), duo.programme, Role.PROGRAMME_COORDINATOR, is_lead=True)
    regional = _region_of(duo)
    concern = _urgent(duo, now=FRIDAY)
    with django_capture_on_commit_callbacks(execute=True):
        assert cs.concerns_escalate(now=SECOND_WORKING_DAY - A_MINUTE) == 0
        assert cs.concerns_escalate_region(now=SECOND_WORKING_DAY) == 0
        assert cs.concerns_escalate(now=SECOND_WORKING_DAY) == 1
        assert cs.concerns_escalate(now=SECOND_WORKING_DAY + A_MINUTE) == 0  # once
    concern.refresh_from_db()
    assert concern.escalated_at == SECOND_WORKING_DAY
    assert concern.escalated_region_at is None
    assert [m.to for m in mail.outbox] == [[lead.email]]
    assert regional.email not in mail.outbox[0].to


def test_an_urgent_concern_escalates_to_the_regional_coordinator_on_the_fifth_working_day(
    django_capture_on_commit_callbacks,
):
    duo = TrajectoryFactory()
    member(UserFactory(), duo.programme, Role.PROGRAMME_COORDINATOR, is_lead=True)
    regional = _region_of(duo)
    other_province = OrganisationFactory(kind="region", province=Province.objects.get(code="VOV"))
    elsewhere = member(UserFactory(), other_province, Role.REGIONAL_COORDINATOR)
    pupil = duo.participants.get().pupil
    concern = _urgent(duo, now=FRIDAY)
    cs.concerns_escalate(now=SECOND_WORKING_DAY)
    with django_capture_on_commit_callbacks(execute=True):
        assert cs.concerns_escalate_region(now=FIFTH_WORKING_DAY - A_MINUTE) == 0
        assert cs.concerns_escalate_region(now=FIFTH_WORKING_DAY) == 1
        assert cs.concerns_escalate_region(now=FIFTH_WORKING_DAY + dt.timedelta(days=3)) == 0
    concern.refresh_from_db()
    assert concern.escalated_region_at == FIFTH_WORKING_DAY
    assert [m.to for m in mail.outbox] == [[regional.email]]
    assert elsewhere.email not in mail.outbox[0].to
    message = mail.outbox[0]
    for secret in (pupil.first_name, pupil.last_name, str(duo.uuid), str(concern.uuid)):
        assert secret not in message.subject + message.body
    assert duo.programme.name in message.body
    assert AuditEvent.objects.filter(
        action=AuditAction.CONCERN_ESCALATE_REGION, object_id=str(concern.uuid), actor=None
    ).exists()
    # the history shows both escalations, by the system
    with translation.override("nl-be"):
        system = [s.what for s in concern_history(concern=concern, with_views=False) if not s.actor]
    assert system == [
        "Zorgsignaal doorgestuurd",
        "Zorgsignaal doorgestuurd naar de regionale coördinator",
    ]


def test_a_concern_that_is_not_urgent_or_was_acknowledged_never_goes_to_the_region():
    duo = TrajectoryFactory()
    _region_of(duo)
    coordinator = coordinator_of(duo)
    _urgent(duo, now=FRIDAY, urgency="attention")
    acknowledged = _urgent(duo, now=FRIDAY)
    cs.concern_acknowledge(actor=coordinator, concern=acknowledged, now=FRIDAY + A_MINUTE)
    assert cs.concerns_escalate_region(now=FIFTH_WORKING_DAY + dt.timedelta(days=30)) == 0


def test_without_a_regional_coordinator_the_platform_admins_are_told(
    django_capture_on_commit_callbacks,
):
    duo = TrajectoryFactory()  # a programme without a province
    umbrella = OrganisationFactory(kind="umbrella")
    admin = member(UserFactory(is_staff=True), umbrella, Role.PLATFORM_ADMIN)
    _urgent(duo, now=FRIDAY)
    with django_capture_on_commit_callbacks(execute=True):
        assert cs.concerns_escalate_region(now=FIFTH_WORKING_DAY) == 1
    assert admin.email in [m.to[0] for m in mail.outbox]


def test_the_daily_followup_run_escalates_to_the_region_too(django_capture_on_commit_callbacks):
    from buddywerk.followup.services import followup_reminders

    duo = TrajectoryFactory()
    regional = _region_of(duo)
    _urgent(duo, now=FRIDAY)
    with django_capture_on_commit_callbacks(execute=True):
        counts = followup_reminders(now=FIFTH_WORKING_DAY)
    assert (counts["escalated"], counts["escalated_region"]) == (1, 1)
    assert regional.email in [m.to[0] for m in mail.outbox]


# --- The lead's home page: concerns not closed after 30 days ---------------------------


def test_the_lead_sees_concerns_not_closed_after_30_days(client):
    duo = TrajectoryFactory()
    coordinator = coordinator_of(duo)
    lead = member(UserFactory(), duo.programme, Role.PROGRAMME_COORDINATOR, is_lead=True)
    now = timezone.now()
    old = _urgent(duo, now=now - dt.timedelta(days=31))
    cs.concern_acknowledge(actor=coordinator, concern=old)  # acknowledged, still not closed
    _urgent(duo, now=now - dt.timedelta(days=29))  # too young
    closed = _urgent(duo, now=now - dt.timedelta(days=40))
    cs.concern_acknowledge(actor=coordinator, concern=closed)
    cs.concern_record_outcome(actor=coordinator, concern=closed, outcome="outside_service")
    cs.concern_close(actor=coordinator, concern=closed)
    other = TrajectoryFactory()  # another programme's old concern
    _urgent(other, now=now - dt.timedelta(days=60))

    assert list(stale_concerns_for(lead)) == [old]
    assert list(stale_concerns_for(coordinator)) == []  # not the lead
    client.force_login(lead)
    page = client.get(reverse("home")).content.decode()
    assert "Zorgsignalen die al meer dan 30 dagen openstaan" in page
    assert reverse("trajectories:concern_detail", args=[duo.uuid, old.uuid]) in page
    assert str(closed.uuid) not in page
    client.force_login(coordinator)
    assert "meer dan 30 dagen" not in client.get(reverse("home")).content.decode()


def test_without_a_lead_every_coordinator_of_the_programme_sees_them():
    duo = TrajectoryFactory()
    coordinator = coordinator_of(duo)
    old = _urgent(duo, now=timezone.now() - dt.timedelta(days=31))
    assert list(stale_concerns_for(coordinator)) == [old]
