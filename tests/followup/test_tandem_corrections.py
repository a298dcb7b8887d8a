"""Correct or delete one's own tandem note within the programme's correction days (issue
16, point 2): the author only, audited; the other side 403, another duo's buddy 404."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from buddywerk.common.audit import AuditAction
from buddywerk.common.models import AuditEvent
from buddywerk.followup import services as fs
from buddywerk.followup import tandem_services as ts
from buddywerk.followup.models import TandemNote
from tests.trajectories.factories import TrajectoryFactory, school_staff_of

pytestmark = pytest.mark.django_db


def _note(duo, text="Hij was stil vandaag."):
    return fs.tandem_note_add(actor=duo.buddy.user, trajectory=duo, text=text)


def test_the_author_corrects_and_deletes_their_note_on_the_page(client):
    duo = TrajectoryFactory()
    note = _note(duo)
    client.force_login(duo.buddy.user)
    thread = client.get(reverse("followup:tandem", args=[duo.uuid])).content.decode()
    edit = reverse("followup:tandem_note_edit", args=[duo.uuid, note.uuid])
    delete = reverse("followup:tandem_note_delete", args=[duo.uuid, note.uuid])
    assert edit in thread and delete in thread
    assert client.post(edit, {"text": "Hij was moe vandaag."}).status_code == 302
    note.refresh_from_db()
    assert note.text == "Hij was moe vandaag."
    assert AuditEvent.objects.filter(action=AuditAction.TANDEM_UPDATE).exists()
    assert client.post(delete).status_code == 302
    assert not TandemNote.objects.exists()
    event = AuditEvent.objects.get(action=AuditAction.TANDEM_DELETE)
    assert event.detail["note"] == str(note.uuid)


def test_outside_the_programmes_window_the_note_stays(client):
    duo = TrajectoryFactory()
    duo.programme.correction_days = 3
    duo.programme.save()
    note = _note(duo)
    later = note.created_at + dt.timedelta(days=3, minutes=1)
    with pytest.raises(ValidationError, match="dagen om het te verbeteren"):
        ts.tandem_note_update(actor=duo.buddy.user, note=note, text="Anders.", now=later)
    with pytest.raises(ValidationError, match="dagen om het te verbeteren"):
        ts.tandem_note_delete(actor=duo.buddy.user, note=note, now=later)
    TandemNote.objects.filter(pk=note.pk).update(created_at=timezone.now() - dt.timedelta(days=4))
    client.force_login(duo.buddy.user)
    thread = client.get(reverse("followup:tandem", args=[duo.uuid])).content.decode()
    assert reverse("followup:tandem_note_edit", args=[duo.uuid, note.uuid]) not in thread
    response = client.post(reverse("followup:tandem_note_delete", args=[duo.uuid, note.uuid]))
    assert response.status_code == 200
    assert "dagen om het te verbeteren" in response.content.decode()
    note.refresh_from_db()
    assert note.text == "Hij was stil vandaag."


def test_the_other_side_may_not_change_the_buddys_note(client):
    duo = TrajectoryFactory()
    note = _note(duo)
    staff = school_staff_of(duo)
    with pytest.raises(PermissionDenied):
        ts.tandem_note_update(actor=staff, note=note, text="Anders.")
    client.force_login(staff)
    url = reverse("followup:tandem_note_delete", args=[duo.uuid, note.uuid])
    assert client.post(url).status_code == 403
    assert TandemNote.objects.filter(pk=note.pk).exists()


def test_another_duos_buddy_gets_404(client):
    duo = TrajectoryFactory()
    other = TrajectoryFactory(programme=duo.programme)
    note = _note(duo)
    client.force_login(other.buddy.user)
    for name in ("tandem_note_edit", "tandem_note_delete"):
        assert (
            client.get(reverse(f"followup:{name}", args=[duo.uuid, note.uuid])).status_code == 404
        )
        url = reverse(f"followup:{name}", args=[other.uuid, note.uuid])
        assert client.post(url, {"text": "x"}).status_code == 404
    note.refresh_from_db()
    assert note.text == "Hij was stil vandaag."
