"""Concerns: urgency, mail at once for urgent ones, acknowledgement by a named person,
escalation after 2 working days on a fake clock, none on a closed duo, the automatic
concern of a low well-being score, and the coordinator's home page."""

import datetime as dt

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from buddywerk.access.models import Role
from buddywerk.common.models import AuditEvent
from buddywerk.trajectories import concern_services as fs
from buddywerk.trajectories import services
from buddywerk.trajectories.models import Concern
from buddywerk.trajectories.selectors import open_concerns_for
from tests.factories import UserFactory, member
from tests.trajectories.factories import TrajectoryFactory, coordinator_of, school_staff_of

pytestmark = pytest.mark.django_db


def _aware(*args):
    return dt.datetime(*args, tzinfo=timezone.get_current_timezone())


def _care_coordinator(duo):
    return member(UserFactory(), duo.school, Role.SCHOOL_STAFF, is_lead=True)


def test_urgent_concern_mails_coordinator_and_care_coordinator_without_the_pupils_name(
    django_capture_on_commit_callbacks,
):
    duo = TrajectoryFactory()
    coordinator = coordinator_of(duo)
    care = _care_coordinator(duo)
    pupil = duo.participants.get().pupil
    with django_capture_on_commit_callbacks(execute=True):
        fs.concern_raise(
            actor=duo.buddy.user, trajectory=duo, urgency="urgent", text="Blauwe plekken."
        )
    assert sorted(m.to[0] for m in mail.outbox) == sorted([coordinator.email, care.email])
    for message in mail.outbox:
        assert pupil.first_name not in message.subject
        assert pupil.last_name not in message.subject + message.body
        assert str(duo.uuid) in message.body


def test_a_concern_that_is_not_urgent_sends_no_mail(django_capture_on_commit_callbacks):
    duo = TrajectoryFactory()
    coordinator_of(duo)
    with django_capture_on_commit_callbacks(execute=True):
        fs.concern_raise(actor=duo.buddy.user, trajectory=duo, urgency="info", text="Moe.")
    assert mail.outbox == []


def test_no_concern_on_a_closed_duo_clear_message_nothing_stored(client):
    duo = TrajectoryFactory()
    coordinator = coordinator_of(duo)
    services.trajectory_close(
        actor=coordinator, trajectory=duo, reason="ended_as_planned", final_wellbeing=4
    )
    duo.refresh_from_db()
    with pytest.raises(ValidationError):
        fs.concern_raise(actor=duo.buddy.user, trajectory=duo, urgency="urgent", text="Help")
    client.force_login(duo.buddy.user)
    # Like every page that changes a closed duo: back to the duo, with the reason.
    response = client.post(
        reverse("trajectories:concern_create", args=[duo.uuid]),
        {"urgency": "urgent", "text": "Help"},
        follow=True,
    )
    assert response.redirect_chain == [(reverse("trajectories:detail", args=[duo.uuid]), 302)]
    assert "Dit duo is afgesloten" in response.content.decode()
    assert Concern.objects.count() == 0


def test_a_huge_concern_text_is_refused_and_nothing_stored(client):
    duo = TrajectoryFactory()
    client.force_login(duo.buddy.user)
    response = client.post(
        reverse("trajectories:concern_create", args=[duo.uuid]),
        {"urgency": "info", "text": "x" * 1_000_000},
    )
    assert response.status_code == 200
    assert "hoogstens 2000 tekens" in response.content.decode()
    assert Concern.objects.count() == 0


def test_acknowledged_by_a_named_person_with_when():
    duo = TrajectoryFactory()
    coordinator = coordinator_of(duo)
    concern = fs.concern_raise(
        actor=duo.buddy.user, trajectory=duo, urgency="attention", text="Stil."
    )
    at = _aware(2026, 3, 3, 9)
    fs.concern_acknowledge(actor=coordinator, concern=concern, note="Ik bel de school.", now=at)
    concern.refresh_from_db()
    assert (concern.acknowledged_by, concern.acknowledged_at) == (coordinator, at)
    assert AuditEvent.objects.filter(action="concern.acknowledge", actor=coordinator).exists()
    with pytest.raises(ValidationError):
        fs.concern_acknowledge(actor=coordinator, concern=concern)


def test_the_buddy_and_the_raiser_cannot_acknowledge():
    duo = TrajectoryFactory()
    staff = school_staff_of(duo)
    concern = fs.concern_raise(actor=staff, trajectory=duo, urgency="info", text="Afwezig.")
    with pytest.raises(PermissionDenied):
        fs.concern_acknowledge(actor=staff, concern=concern)
    with pytest.raises(PermissionDenied):
        fs.concern_acknowledge(actor=duo.buddy.user, concern=concern)


def test_escalates_to_the_lead_after_two_working_days_skipping_the_weekend(
    django_capture_on_commit_callbacks,
):
    duo = TrajectoryFactory(planned_start=dt.date(2026, 2, 2))
    coordinator_of(duo)
    lead = member(UserFactory(), duo.programme, Role.PROGRAMME_COORDINATOR, is_lead=True)
    friday = _aware(2026, 3, 6, 10)
    concern = fs.concern_raise(
        actor=duo.buddy.user, trajectory=duo, urgency="info", text="Moe.", now=friday
    )
    with django_capture_on_commit_callbacks(execute=True):
        # Monday 10:00 is only one working day later.
        assert fs.concerns_escalate(now=_aware(2026, 3, 9, 10)) == 0
        assert fs.concerns_escalate(now=_aware(2026, 3, 10, 10)) == 1
        assert fs.concerns_escalate(now=_aware(2026, 3, 11, 10)) == 0  # once
    concern.refresh_from_db()
    assert concern.escalated_at == _aware(2026, 3, 10, 10)
    assert [m.to for m in mail.outbox] == [[lead.email]]


def test_an_acknowledged_concern_does_not_escalate():
    duo = TrajectoryFactory(planned_start=dt.date(2026, 2, 2))
    coordinator = coordinator_of(duo)
    concern = fs.concern_raise(
        actor=duo.buddy.user, trajectory=duo, urgency="info", text="x", now=_aware(2026, 3, 2, 9)
    )
    fs.concern_acknowledge(actor=coordinator, concern=concern, now=_aware(2026, 3, 2, 10))
    assert fs.concerns_escalate(now=_aware(2026, 3, 20, 9)) == 0


def test_the_command_runs_the_escalation_on_a_fake_clock():
    duo = TrajectoryFactory(planned_start=dt.date(2026, 2, 2))
    coordinator_of(duo)
    fs.concern_raise(
        actor=duo.buddy.user, trajectory=duo, urgency="info", text="x", now=_aware(2026, 3, 6, 7)
    )
    from io import StringIO

    out = StringIO()
    call_command("followup_reminders", "--today", "2026-03-10", stdout=out)
    assert "1 concern(s) escalated" in out.getvalue()
    assert Concern.objects.get().escalated_at is not None


@pytest.mark.parametrize(("score", "opens"), [(1, True), (2, True), (3, False), (5, False)])
def test_a_low_wellbeing_score_opens_an_urgent_concern(score, opens):
    duo = TrajectoryFactory()
    participant = duo.participants.get()
    services.wellbeing_record(
        actor=duo.buddy.user, trajectory=duo, participant=participant, moment="check", score=score
    )
    concerns = Concern.objects.filter(trajectory=duo)
    assert concerns.exists() is opens
    if opens:
        assert concerns.get().urgency == "urgent"
        assert concerns.get().origin == "wellbeing"


def test_a_second_low_score_does_not_open_a_second_concern_while_one_is_open():
    duo = TrajectoryFactory()
    participant = duo.participants.get()
    for _ in range(2):
        services.wellbeing_record(
            actor=duo.buddy.user, trajectory=duo, participant=participant, moment="check", score=1
        )
    assert Concern.objects.count() == 1


def test_open_concerns_are_on_the_coordinators_home_page(client, django_assert_max_num_queries):
    duo = TrajectoryFactory()
    coordinator = coordinator_of(duo)
    other = TrajectoryFactory()  # another programme: not shown
    fs.concern_raise(actor=duo.buddy.user, trajectory=duo, urgency="urgent", text="x")
    fs.concern_raise(actor=other.buddy.user, trajectory=other, urgency="urgent", text="y")
    assert list(open_concerns_for(coordinator).values_list("trajectory", flat=True)) == [duo.pk]
    client.force_login(coordinator)
    response = client.get(reverse("home"))
    html = response.content.decode()
    assert "Open zorgsignalen" in html
    assert reverse("followup:duo", args=[duo.uuid]) in html
    assert reverse("followup:duo", args=[other.uuid]) not in html


def test_the_home_page_of_a_buddy_has_no_concerns_panel(client):
    duo = TrajectoryFactory()
    client.force_login(duo.buddy.user)
    assert "Open zorgsignalen" not in client.get(reverse("home")).content.decode()


def test_acknowledge_through_the_page(client):
    duo = TrajectoryFactory()
    coordinator = coordinator_of(duo)
    concern = fs.concern_raise(actor=duo.buddy.user, trajectory=duo, urgency="urgent", text="x")
    client.force_login(coordinator)
    url = reverse("trajectories:concern_acknowledge", args=[duo.uuid, concern.uuid])
    response = client.post(url, {"note": "Ik ga langs."})
    assert response.status_code == 302
    concern.refresh_from_db()
    assert concern.acknowledged_by == coordinator
    assert concern.acknowledgement == "Ik ga langs."
