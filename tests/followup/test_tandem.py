"""Tandem notes (R11): buddy and school write, the other side is mailed on commit (no pupil
name), home visits and parents' signals are the buddy's, the school never sees private
meeting notes, out-of-scope users get 404, bad input is refused."""

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from buddywerk.access.models import Role
from buddywerk.common.models import AuditEvent
from buddywerk.followup import services as fs
from buddywerk.followup.models import TandemNote
from buddywerk.trajectories import services
from tests.factories import SchoolFactory, UserFactory, member
from tests.trajectories.factories import TrajectoryFactory, coordinator_of, school_staff_of

pytestmark = pytest.mark.django_db


def test_buddy_writes_and_the_school_contact_gets_a_mail(django_capture_on_commit_callbacks):
    duo = TrajectoryFactory()
    staff = school_staff_of(duo)  # confirmed the agreements
    pupil = duo.participants.get().pupil
    with django_capture_on_commit_callbacks(execute=True):
        fs.tandem_note_add(actor=duo.buddy.user, trajectory=duo, text="Hij was stil vandaag.")
    assert [m.to for m in mail.outbox] == [[staff.email]]
    message = mail.outbox[0]
    assert pupil.first_name not in message.subject
    assert "Hij was stil" not in message.body  # the note itself stays in Buddywerk
    assert AuditEvent.objects.filter(action="tandem.add").exists()


def test_the_school_answers_and_the_buddy_gets_a_mail(client, django_capture_on_commit_callbacks):
    duo = TrajectoryFactory()
    staff = school_staff_of(duo)
    client.force_login(staff)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("followup:tandem", args=[duo.uuid]), {"text": "Dank je, we letten erop."}
        )
    assert response.status_code == 302
    note = TandemNote.objects.get()
    assert (note.side, note.kind, note.author) == ("school", "note", staff)
    assert [m.to for m in mail.outbox] == [[duo.buddy.user.email]]


def test_home_visits_and_parents_signals_are_logged_by_the_buddy():
    duo = TrajectoryFactory()
    note = fs.tandem_note_add(
        actor=duo.buddy.user,
        trajectory=duo,
        text="Mama vraagt hulp met Smartschool.",
        kind="parent_signal",
    )
    assert note.kind == "parent_signal"
    with pytest.raises(ValidationError):
        fs.tandem_note_add(actor=school_staff_of(duo), trajectory=duo, text="x", kind="home_visit")


def test_the_coordinator_reads_but_does_not_write():
    duo = TrajectoryFactory()
    with pytest.raises(PermissionDenied):
        fs.tandem_note_add(actor=coordinator_of(duo), trajectory=duo, text="x")


def test_a_note_of_one_megabyte_is_refused_and_nothing_stored(client):
    duo = TrajectoryFactory()
    client.force_login(duo.buddy.user)
    response = client.post(
        reverse("followup:tandem", args=[duo.uuid]), {"text": "x" * 1_000_000, "kind": "note"}
    )
    assert response.status_code == 200
    assert "hoogstens 2000 tekens" in response.content.decode()
    assert TandemNote.objects.count() == 0
    with pytest.raises(ValidationError):
        fs.tandem_note_add(actor=duo.buddy.user, trajectory=duo, text="x" * 1_000_000)
    assert TandemNote.objects.count() == 0


def test_the_school_sees_tandem_notes_never_private_meeting_notes(client):
    duo = TrajectoryFactory()
    services.meeting_log(
        actor=duo.buddy.user,
        trajectory=duo,
        date=timezone.localdate(),
        duration_minutes=45,
        note="GEHEIM-privé",
        note_visibility="private",
    )
    fs.tandem_note_add(actor=duo.buddy.user, trajectory=duo, text="GEDEELD-tandem")
    client.force_login(school_staff_of(duo))
    html = client.get(reverse("followup:tandem", args=[duo.uuid])).content.decode()
    assert "GEDEELD-tandem" in html
    assert "GEHEIM-privé" not in html
    pupil = duo.participants.get().pupil
    event = AuditEvent.objects.get(action="view", object_id=str(pupil.uuid))
    assert event.object_type == "referrals.pupil"
    assert event.detail == {"trajectory": str(duo.uuid)}


def test_staff_of_another_school_get_404(client):
    duo = TrajectoryFactory()
    outsider = member(UserFactory(), SchoolFactory(), Role.SCHOOL_STAFF)
    client.force_login(outsider)
    assert client.get(reverse("followup:tandem", args=[duo.uuid])).status_code == 404
    assert client.get(reverse("followup:duo", args=[duo.uuid])).status_code == 404


def test_another_buddy_gets_404(client):
    duo = TrajectoryFactory()
    other = TrajectoryFactory(programme=duo.programme)
    client.force_login(other.buddy.user)
    assert client.get(reverse("followup:tandem", args=[duo.uuid])).status_code == 404


def test_no_tandem_note_on_a_closed_duo():
    duo = TrajectoryFactory()
    services.trajectory_close(
        actor=coordinator_of(duo), trajectory=duo, reason="moved", final_wellbeing=3
    )
    duo.refresh_from_db()
    with pytest.raises(ValidationError):
        fs.tandem_note_add(actor=duo.buddy.user, trajectory=duo, text="x")
    assert TandemNote.objects.count() == 0
