"""Issue 15 point 4: erasure on request, with four eyes, holds, the daily run and a
confirmation mail; the audit trail keeps that it happened, not what was erased. A fake
clock; runs on SQLite and PostgreSQL."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone, translation

from buddywerk.access.models import Role
from buddywerk.common.audit import AuditAction
from buddywerk.common.models import AuditEvent
from buddywerk.common.scheduler import run_scheduled
from buddywerk.mail.models import OutgoingMail
from buddywerk.privacy import erasure_services
from buddywerk.privacy.archive_models import ArchivedDuo, ArchivedPerson
from buddywerk.privacy.erasure_models import ErasureAskedBy, ErasureRequest, ErasureStatus
from buddywerk.referrals.models import Pupil, Referral
from buddywerk.trajectories import concern_services
from buddywerk.trajectories import services as duo_services
from buddywerk.trajectories.enums import ConcernOutcome
from buddywerk.trajectories.models import Trajectory
from tests.factories import ProgrammeFactory, UserFactory, member
from tests.network.test_practices import platform_admin
from tests.trajectories.factories import TrajectoryFactory, coordinator_of

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 3, 10)


def _at(day: dt.date, hour: int = 10) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour), tzinfo=timezone.get_current_timezone())


def _closed_duo() -> Trajectory:
    return TrajectoryFactory(closed=True)


def _second(duo: Trajectory):
    """Another coordinator of the duo's programme: the second pair of eyes."""
    return member(UserFactory(), duo.programme, Role.PROGRAMME_COORDINATOR)


def _request(duo: Trajectory, coordinator) -> ErasureRequest:
    return erasure_services.erasure_request_create(
        actor=coordinator,
        subject=duo.participants.get().pupil,
        asked_by=ErasureAskedBy.PARENT,
        asked_on=TODAY,
        now=_at(TODAY),
    )


def test_a_confirmed_request_is_erased_by_the_same_days_run_and_the_requester_hears_it():
    duo = _closed_duo()
    coordinator, second = coordinator_of(duo), _second(duo)
    pupil = duo.participants.get().pupil
    name = pupil.last_name
    request = _request(duo, coordinator)
    assert request.status == ErasureStatus.REQUESTED
    # The programme's other coordinator is asked to confirm; the mail names no one.
    asked = OutgoingMail.objects.get(to=second.email, kind="privacy.erasure_requested")
    assert name not in asked.subject + asked.body
    assert str(request.uuid) in asked.body

    # Not confirmed yet: the run leaves it.
    assert erasure_services.erasure_requests_execute(now=_at(TODAY, 11)).requests == 0
    assert Pupil.objects.filter(pk=pupil.pk).exists()

    erasure_services.erasure_confirm(actor=second, request=request, now=_at(TODAY, 12))
    assert request.status == ErasureStatus.CONFIRMED
    assert request.confirmed_by == second

    # The scheduled run (every 15 minutes) does it the same day.
    run_scheduled(now=_at(TODAY, 12) + dt.timedelta(minutes=15))
    request.refresh_from_db()
    assert request.status == ErasureStatus.DONE
    assert request.pupil is None
    assert not Pupil.objects.filter(pk=pupil.pk).exists()
    assert not Trajectory.objects.filter(pk=duo.pk).exists()
    assert not Referral.objects.filter(pupil_id=pupil.pk).exists()
    # Into the anonymised archive, as the purge does: the figures stay.
    assert ArchivedDuo.objects.count() == 1
    assert ArchivedPerson.objects.count() == 1

    done = OutgoingMail.objects.get(to=coordinator.email, kind="privacy.erasure_done")
    assert name not in done.subject + done.body
    # The audit trail keeps that it happened (the request, the counts), not what.
    events = AuditEvent.objects.filter(
        action__in=[
            AuditAction.ERASURE_REQUEST,
            AuditAction.ERASURE_CONFIRM,
            AuditAction.ERASURE_DONE,
        ]
    )
    assert set(events.values_list("action", flat=True)) == {
        AuditAction.ERASURE_REQUEST,
        AuditAction.ERASURE_CONFIRM,
        AuditAction.ERASURE_DONE,
    }
    for event in AuditEvent.objects.all():
        text = f"{event.object_id} {event.detail}"
        assert name not in text and pupil.first_name not in text
    assert set(events.values_list("object_id", flat=True)) == {str(request.uuid)}
    assert events.get(action=AuditAction.ERASURE_DONE).detail["pupils"] == 1

    # A second run changes nothing.
    assert erasure_services.erasure_requests_execute(now=_at(TODAY, 13)).requests == 0


def test_the_requester_cannot_confirm_their_own_request():
    duo = _closed_duo()
    coordinator = coordinator_of(duo)
    request = _request(duo, coordinator)
    with pytest.raises(PermissionDenied):
        erasure_services.erasure_confirm(actor=coordinator, request=request)
    request.refresh_from_db()
    assert request.status == ErasureStatus.REQUESTED
    assert request.confirmed_by is None


def test_a_platform_admin_confirms_and_an_outsider_cannot():
    duo = _closed_duo()
    request = _request(duo, coordinator_of(duo))
    other_programme = ProgrammeFactory()
    outsider = member(UserFactory(), other_programme, Role.PROGRAMME_COORDINATOR)
    with pytest.raises(PermissionDenied):
        erasure_services.erasure_confirm(actor=outsider, request=request)
    buddy = duo.buddy.user
    with pytest.raises(PermissionDenied):
        erasure_services.erasure_confirm(actor=buddy, request=request)
    admin = platform_admin()
    erasure_services.erasure_confirm(actor=admin, request=request)
    assert request.status == ErasureStatus.CONFIRMED


def test_refused_needs_a_reason_and_cancelled_only_by_the_requester():
    duo = _closed_duo()
    coordinator, second = coordinator_of(duo), _second(duo)
    request = _request(duo, coordinator)
    with pytest.raises(ValidationError):
        erasure_services.erasure_refuse(actor=second, request=request, reason=" ")
    with pytest.raises(PermissionDenied):
        erasure_services.erasure_cancel(actor=second, request=request)
    erasure_services.erasure_refuse(actor=second, request=request, reason="Vraag niet bevestigd.")
    assert request.status == ErasureStatus.REFUSED
    assert OutgoingMail.objects.filter(to=coordinator.email, kind="privacy.erasure_refused")
    # A refused request is final: nothing to confirm, and the data stays.
    with pytest.raises(ValidationError):
        erasure_services.erasure_confirm(actor=second, request=request)
    erasure_services.erasure_requests_execute(now=_at(TODAY, 23))
    assert Trajectory.objects.filter(pk=duo.pk).exists()

    again = _request(duo, coordinator)  # a new request may follow a refused one
    erasure_services.erasure_cancel(actor=coordinator, request=again)
    assert again.status == ErasureStatus.CANCELLED


def test_one_open_request_per_person_and_no_day_in_the_future():
    duo = _closed_duo()
    coordinator = coordinator_of(duo)
    _request(duo, coordinator)
    with pytest.raises(ValidationError):
        _request(duo, coordinator)
    with pytest.raises(ValidationError):
        erasure_services.erasure_request_create(
            actor=coordinator,
            subject=duo.participants.get().pupil,
            asked_by=ErasureAskedBy.PARENT,
            asked_on=TODAY + dt.timedelta(days=1),
            now=_at(TODAY),
        )
    assert ErasureRequest.objects.count() == 1


def test_a_coordinator_of_another_programme_cannot_request_it():
    duo = _closed_duo()
    outsider = member(UserFactory(), ProgrammeFactory(), Role.PROGRAMME_COORDINATOR)
    with pytest.raises(PermissionDenied):
        _request(duo, outsider)
    assert not ErasureRequest.objects.exists()


def test_an_open_concern_holds_a_confirmed_erasure_until_it_is_closed():
    duo = TrajectoryFactory()
    coordinator, second = coordinator_of(duo), _second(duo)
    concern = concern_services.concern_raise(
        actor=duo.buddy.user, trajectory=duo, urgency="urgent", text="Blauwe plekken."
    )
    duo_services.trajectory_close(
        actor=None, trajectory=duo, reason="ended_as_planned", final_wellbeing=3
    )
    request = _request(duo, coordinator)
    with translation.override("en"):
        preview = erasure_services.erasure_preview(duo.participants.get().pupil)
    assert any("concern is still open" in hold for hold in preview.holds)
    erasure_services.erasure_confirm(actor=second, request=request)

    erasure_services.erasure_requests_execute(now=_at(TODAY, 23))
    request.refresh_from_db()
    assert request.status == ErasureStatus.CONFIRMED  # held: the case runs
    assert Trajectory.objects.filter(pk=duo.pk).exists()
    assert not OutgoingMail.objects.filter(kind="privacy.erasure_done").exists()

    concern_services.concern_acknowledge(actor=coordinator, concern=concern, note="Gebeld.")
    concern_services.concern_record_outcome(
        actor=coordinator, concern=concern, outcome=ConcernOutcome.CARE_TEAM, note=""
    )
    concern_services.concern_close(actor=coordinator, concern=concern)
    erasure_services.erasure_requests_execute(now=_at(TODAY + dt.timedelta(days=1), 0))
    request.refresh_from_db()
    assert request.status == ErasureStatus.DONE
    assert not Trajectory.objects.filter(pk=duo.pk).exists()


def test_a_running_duo_holds_the_erasure_and_the_preview_says_why():
    duo = TrajectoryFactory()
    pupil = duo.participants.get().pupil
    with translation.override("en"):
        preview = erasure_services.erasure_preview(pupil)
    assert any("still running" in hold for hold in preview.holds)
    assert dict(preview.erased)["Duos"] == 1
    request = _request(duo, coordinator_of(duo))
    erasure_services.erasure_confirm(actor=_second(duo), request=request)
    erasure_services.erasure_requests_execute(now=_at(TODAY, 23))
    request.refresh_from_db()
    assert request.status == ErasureStatus.CONFIRMED
    assert Pupil.objects.filter(pk=pupil.pk).exists()


def test_the_request_page_survives_the_erasure_and_names_no_one(client):
    duo = _closed_duo()
    coordinator, second = coordinator_of(duo), _second(duo)
    pupil = duo.participants.get().pupil
    request = _request(duo, coordinator)
    erasure_services.erasure_confirm(actor=second, request=request)
    erasure_services.erasure_requests_execute(now=_at(TODAY, 23))
    client.force_login(coordinator)
    page = client.get(reverse("privacy:erasure_detail", args=[request.uuid]))
    assert page.status_code == 200
    assert pupil.last_name not in page.content.decode()


def test_on_the_page_the_requester_is_refused_and_the_second_person_confirms(client):
    duo = _closed_duo()
    coordinator, second = coordinator_of(duo), _second(duo)
    request = _request(duo, coordinator)
    confirm = reverse("privacy:erasure_decide", args=[request.uuid, "confirm"])
    client.force_login(coordinator)
    page = client.get(reverse("privacy:erasure_detail", args=[request.uuid]))
    assert confirm not in page.content.decode()  # no button for the requester
    client.post(confirm)
    request.refresh_from_db()
    assert request.status == ErasureStatus.REQUESTED

    client.force_login(second)
    assert (
        confirm
        in client.get(reverse("privacy:erasure_detail", args=[request.uuid])).content.decode()
    )
    client.post(confirm)
    request.refresh_from_db()
    assert request.status == ErasureStatus.CONFIRMED
    assert request.confirmed_by == second


def test_a_buddy_and_a_coordinator_of_another_programme_get_404(client):
    duo = _closed_duo()
    request = _request(duo, coordinator_of(duo))
    outsider = member(UserFactory(), ProgrammeFactory(), Role.PROGRAMME_COORDINATOR)
    pupil = duo.participants.get().pupil
    for user in (outsider, duo.buddy.user):
        client.force_login(user)
        for url in (
            reverse("privacy:erasure_detail", args=[request.uuid]),
            reverse("privacy:erasure_pupil", args=[pupil.uuid]),
        ):
            assert client.get(url).status_code == 404
        response = client.post(reverse("privacy:erasure_decide", args=[request.uuid, "confirm"]))
        assert response.status_code == 404
    request.refresh_from_db()
    assert request.status == ErasureStatus.REQUESTED


def test_a_buddy_asks_to_erase_their_own_account_and_a_platform_admin_confirms(client):
    duo = _closed_duo()
    user = duo.buddy.user
    email, last_name = user.email, user.last_name
    request = erasure_services.erasure_request_own(actor=user, now=_at(TODAY))
    assert request.subject_kind == "buddy" and request.programme is None
    # Four eyes: not the buddy, not the programme's coordinator; a platform admin.
    for other in (user, coordinator_of(duo)):
        with pytest.raises(PermissionDenied):
            erasure_services.erasure_confirm(actor=other, request=request)
    # Another buddy does not see it.
    stranger = TrajectoryFactory().buddy.user
    client.force_login(stranger)
    assert client.get(reverse("privacy:erasure_detail", args=[request.uuid])).status_code == 404
    client.force_login(user)
    assert client.get(reverse("privacy:erasure_detail", args=[request.uuid])).status_code == 200

    erasure_services.erasure_confirm(actor=platform_admin(), request=request)
    run_scheduled(now=_at(TODAY, 12))
    request.refresh_from_db()
    user.refresh_from_db()
    assert request.status == ErasureStatus.DONE
    assert not user.is_active and user.email != email
    assert Trajectory.objects.filter(pk=duo.pk).exists()  # the children's data stays
    done = OutgoingMail.objects.get(to=email, kind="privacy.erasure_done")
    assert last_name not in done.subject + done.body


def test_a_running_duo_holds_a_buddys_own_erasure():
    duo = TrajectoryFactory()
    user = duo.buddy.user
    request = erasure_services.erasure_request_own(actor=user)
    with pytest.raises(ValidationError):
        erasure_services.erasure_request_own(actor=user)  # one open request
    erasure_services.erasure_confirm(actor=platform_admin(), request=request)
    erasure_services.erasure_requests_execute(now=_at(TODAY, 23))
    request.refresh_from_db()
    user.refresh_from_db()
    assert request.status == ErasureStatus.CONFIRMED and user.is_active
