"""Access on request (issue 15, point 5): a coordinator exports everything held about a
pupil or a family as a PDF and a JSON, a buddy exports their own; each export is audited,
its link expires and is the asker's only; nothing of another child or another duo leaks."""

import datetime as dt
import io
import json

import pytest
from django.core import signing
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from pypdf import PdfReader

from buddywerk.common.audit import AuditAction, audit_view, seen
from buddywerk.common.models import AuditEvent
from buddywerk.followup import services as followup_services
from buddywerk.privacy import access_export, access_services
from buddywerk.trajectories import concern_services as cs
from buddywerk.trajectories import services as duo_services
from buddywerk.trajectories.enums import ConcernOutcome, NoteVisibility, WellbeingMoment
from tests.factories import ProgrammeFactory, ReferralFactory, UserFactory, member
from tests.trajectories.factories import TrajectoryFactory, coordinator_of, school_staff_of

pytestmark = pytest.mark.django_db


def _pdf_text(content: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)


def _closed_concern(duo, actor, text, outcome, note=""):
    concern = cs.concern_raise(actor=duo.buddy.user, trajectory=duo, urgency="attention", text=text)
    cs.concern_acknowledge(actor=actor, concern=concern, note="Ik neem het op.")
    cs.concern_record_outcome(actor=actor, concern=concern, outcome=outcome, note=note)
    cs.concern_close(actor=actor, concern=concern)
    return concern


@pytest.fixture
def world():
    """A pupil with a running duo and every kind of data, and a second duo of the same
    programme (another pupil, another buddy) whose data must never show."""
    duo = TrajectoryFactory()
    other = TrajectoryFactory(programme=duo.programme)
    coordinator = coordinator_of(duo)
    staff = school_staff_of(duo)
    participant = duo.participants.get()
    pupil = participant.pupil
    # Names no Faker name contains: the leak checks below look for them as text, and a
    # buddy or coordinator drawn as "Peeters..." would make "Peeters" appear (a flake).
    pupil.first_name, pupil.last_name = "Ysolde", "Vanquaethem"
    pupil.save()
    other_pupil = other.participants.get().pupil
    other_pupil.first_name, other_pupil.last_name = "Korneel", "Quapaert"
    other_pupil.save()
    today = duo.planned_start + dt.timedelta(days=7)
    buddy = duo.buddy.user
    duo_services.meeting_log(
        actor=buddy,
        trajectory=duo,
        date=today,
        duration_minutes=60,
        topics=["reading"],
        note="Samen gelezen in de bib.",
        note_visibility=NoteVisibility.SHARED,
    )
    duo_services.meeting_log(
        actor=buddy,
        trajectory=duo,
        date=today - dt.timedelta(days=1),
        duration_minutes=45,
        note="Werknota alleen voor het programma.",
        note_visibility=NoteVisibility.PRIVATE,
    )
    duo_services.wellbeing_record(
        actor=buddy, trajectory=duo, participant=participant, moment=WellbeingMoment.MIDWAY, score=4
    )
    _closed_concern(duo, coordinator, "Moe in de klas.", ConcernOutcome.RESOLVED, "Slaapt beter.")
    _closed_concern(duo, coordinator, "Melding bij de politie.", ConcernOutcome.AUTHORITIES)
    cs.concern_raise(actor=buddy, trajectory=duo, urgency="attention", text="Loopt nog.")
    followup_services.tandem_note_add(actor=staff, trajectory=duo, text="Huiswerk lukt beter.")
    followup_services.survey_record(
        actor=staff, trajectory=duo, respondent="participant", moment="day30", answers=[5, 4, 4, 3]
    )
    # The other duo: notes and a concern that must not leak into the first pupil's export.
    duo_services.meeting_log(
        actor=other.buddy.user,
        trajectory=other,
        date=today,
        duration_minutes=60,
        note="Notitie van het andere duo.",
        note_visibility=NoteVisibility.SHARED,
    )
    followup_services.tandem_note_add(
        actor=school_staff_of(other), trajectory=other, text="Tandem van het andere duo."
    )
    audit_view(actor=staff, target=seen(pupil, trajectory=duo.uuid))
    return {
        "duo": duo,
        "other": other,
        "coordinator": coordinator,
        "staff": staff,
        "pupil": pupil,
        "other_pupil": other_pupil,
    }


def test_the_json_holds_everything_with_its_source_and_leaves_out_what_the_law_keeps(world):
    data = access_export.collect_participant(
        world["pupil"], programme_ids={world["duo"].programme_id}
    )
    assert set(data) == {"format", "generated_at", "subject", "referrals", "duos", "views"}
    assert data["subject"]["first_name"] == "Ysolde"
    assert data["subject"]["source"]["by"] == "school"
    (referral,) = data["referrals"]
    assert referral["consent"]["given_on"] and referral["history"]
    assert referral["source"] == {"by": "school", "organisation": world["duo"].school.name}
    (duo,) = data["duos"]
    assert duo["id"] == str(world["duo"].uuid) and duo["with_other_participants"] is False
    notes = [m["note"] for m in duo["meetings"]]
    assert notes == [None, "Samen gelezen in de bib."]  # the private note is left out
    assert [m["duration_minutes"] for m in duo["meetings"]] == [45, 60]  # its date is not
    assert [w["score"] for w in duo["wellbeing"]] == [4]
    assert [c["text"] for c in duo["concerns"]] == ["Moe in de klas."]
    assert duo["concerns"][0]["outcome_note"] == "Slaapt beter."
    assert [t["text"] for t in duo["tandem_notes"]] == ["Huiswerk lukt beter."]
    assert duo["tandem_notes"][0]["source"]["by"] == "school"
    assert [s["answers"] for s in duo["surveys"]] == [[5, 4, 4, 3]]
    assert any(v["action"] and "School" in v["by"] for v in data["views"])
    text = json.dumps(data)
    for leak in ("Korneel", "Quapaert", "andere duo", "politie", "Loopt nog", "Werknota"):
        assert leak not in text
    assert str(world["other"].uuid) not in text
    # No staff member's name among the viewers, only role and organisation.
    assert world["staff"].last_name not in json.dumps(data["views"])


def test_a_group_duo_gives_no_free_text_and_no_other_childs_data():
    duo = TrajectoryFactory(group=True)
    first, second, _third = duo.participants.order_by("id")
    second.pupil.first_name = "Anouk"
    second.pupil.save()
    buddy = duo.buddy.user
    duo_services.meeting_log(
        actor=buddy,
        trajectory=duo,
        date=duo.planned_start + dt.timedelta(days=3),
        duration_minutes=60,
        note="Anouk deed goed mee.",
        note_visibility=NoteVisibility.SHARED,
    )
    for participant, score in ((first, 2), (second, 5)):
        duo_services.wellbeing_record(
            actor=buddy,
            trajectory=duo,
            participant=participant,
            moment=WellbeingMoment.MIDWAY,
            score=score,
        )
    data = access_export.collect_participant(first.pupil, programme_ids=None)
    (group,) = data["duos"]
    assert group["with_other_participants"] is True
    assert [m["note"] for m in group["meetings"]] == [None]
    assert [w["score"] for w in group["wellbeing"]] == [2]
    assert "Anouk" not in json.dumps(data)


def test_a_coordinator_exports_only_their_programmes_data(world):
    elsewhere = ProgrammeFactory()
    lone = member(UserFactory(), elsewhere, "programme_coordinator")
    with pytest.raises(PermissionDenied):
        access_services.access_export_create(actor=lone, subject=world["pupil"])
    with pytest.raises(PermissionDenied):
        access_services.access_export_create(actor=world["staff"], subject=world["pupil"])


def test_the_pdf_and_json_download_audited_for_the_asker_only(client, world):
    coordinator = world["coordinator"]
    client.force_login(coordinator)
    page = client.get(reverse("privacy:access_pupil", args=[world["pupil"].uuid]))
    assert page.status_code == 200 and "Ysolde" in page.content.decode()
    made = client.post(reverse("privacy:access_pupil", args=[world["pupil"].uuid]))
    assert made.status_code == 302
    ready_url = made["Location"]
    assert "Ysolde" not in ready_url and "Vanquaethem" not in ready_url
    event = AuditEvent.objects.get(action=AuditAction.ACCESS_EXPORT)
    assert (event.actor, event.object_type, event.object_id) == (
        coordinator,
        "referrals.pupil",
        str(world["pupil"].uuid),
    )
    token = ready_url.rstrip("/").rsplit("/", 1)[1]
    pdf = client.get(reverse("privacy:access_download", args=[token, "pdf"]))
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    assert "Ysolde" not in pdf["Content-Disposition"]
    text = _pdf_text(pdf.content)
    for expected in (
        "Jouw gegevens in Buddywerk",
        "Ysolde",
        "Vanquaethem",
        "Samen gelezen in de bib.",
        "Huiswerk lukt beter.",
        "Moe in de klas.",
        "Waar het vandaan komt",
    ):
        assert expected in text, expected
    for leak in ("Korneel", "andere duo", "politie", "Werknota", "Loopt nog"):
        assert leak not in text
    raw = client.get(reverse("privacy:access_download", args=[token, "json"]))
    data = json.loads(raw.content)
    assert data["subject"]["last_name"] == "Vanquaethem"
    assert {"referrals", "duos", "views"} <= set(data)
    downloads = AuditEvent.objects.filter(
        action=AuditAction.VIEW,
        object_id=str(world["pupil"].uuid),
        detail__access_export=str(event.pk),
    )
    assert sorted(downloads.values_list("detail__file", flat=True)) == ["json", "pdf"]
    # Another person with the same rights gets nothing from the link.
    colleague = member(UserFactory(), world["duo"].programme, "programme_coordinator")
    client.force_login(colleague)
    assert client.get(reverse("privacy:access_download", args=[token, "pdf"])).status_code == 404
    assert client.get(ready_url).status_code == 404


def test_an_expired_or_forged_link_answers_404(client, world, monkeypatch):
    import time

    client.force_login(world["coordinator"])
    token = access_services.access_export_create(actor=world["coordinator"], subject=world["pupil"])
    url = reverse("privacy:access_download", args=[token, "json"])
    assert client.get(url).status_code == 200
    now = time.time()
    # The last minute of the link, then the next one (the signer's clock, not the wall's).
    monkeypatch.setattr(signing.time, "time", lambda: now + access_export.LINK_MINUTES * 60 - 5)
    assert client.get(url).status_code == 200
    monkeypatch.setattr(signing.time, "time", lambda: now + access_export.LINK_MINUTES * 60 + 5)
    assert client.get(url).status_code == 404
    assert client.get(reverse("privacy:access_ready", args=[token])).status_code == 404
    monkeypatch.undo()
    assert (
        client.get(reverse("privacy:access_download", args=[token + "x", "json"])).status_code
        == 404
    )
    assert client.get(reverse("privacy:access_download", args=[token, "exe"])).status_code == 404


def test_a_buddy_downloads_their_own_data_without_the_childs(client, world):
    buddy = world["duo"].buddy
    client.force_login(buddy.user)
    profile = client.get(reverse("buddies:profile")).content.decode()
    assert reverse("privacy:my_data") in profile
    made = client.post(reverse("privacy:my_data"))
    token = made["Location"].rstrip("/").rsplit("/", 1)[1]
    data = json.loads(client.get(reverse("privacy:access_download", args=[token, "json"])).content)
    assert data["account"]["email"] == buddy.user.email
    assert data["subject"]["id"] == str(buddy.uuid)
    (duo,) = data["duos"]
    assert duo["participants"] == 1 and len(duo["meetings"]) == 2
    text = json.dumps(data)
    for leak in ("Ysolde", "Vanquaethem", "Samen gelezen", "Korneel", "andere duo"):
        assert leak not in text
    assert AuditEvent.objects.filter(
        action=AuditAction.ACCESS_EXPORT, object_type="buddies.buddy", object_id=str(buddy.uuid)
    ).exists()
    pdf = client.get(reverse("privacy:access_download", args=[token, "pdf"]))
    assert buddy.user.email in _pdf_text(pdf.content)


def test_the_number_of_queries_does_not_grow_with_the_rows(world):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    programmes = {world["duo"].programme_id}
    access_export.collect_participant(world["pupil"], programme_ids=programmes)  # warm caches
    with CaptureQueriesContext(connection) as before:
        access_export.collect_participant(world["pupil"], programme_ids=programmes)
    buddy = world["duo"].buddy.user
    for days in range(2, 7):
        duo_services.meeting_log(
            actor=buddy,
            trajectory=world["duo"],
            date=world["duo"].planned_start + dt.timedelta(days=days),
            duration_minutes=30,
        )
        followup_services.tandem_note_add(actor=buddy, trajectory=world["duo"], text="Nog een.")
    with CaptureQueriesContext(connection) as after:
        data = access_export.collect_participant(world["pupil"], programme_ids=programmes)
    assert len(data["duos"][0]["meetings"]) == 7
    assert len(after.captured_queries) == len(before.captured_queries)


def test_the_export_of_programme_a_shows_no_view_of_programme_b(client, world):
    """Each programme answers for what it holds: programme B's coordinator looking at B's
    referral of the same pupil, or at the pupil's page, is not in programme A's export, and
    a viewer's role in B is never named; a platform admin's export has every view."""
    pupil, duo = world["pupil"], world["duo"]
    prog_b = ProgrammeFactory(name="Programma Geheim B")
    coord_b = member(UserFactory(), prog_b, "programme_coordinator")
    ref_b = ReferralFactory(programme=prog_b, pupil=pupil, status="declined")
    client.force_login(coord_b)
    assert client.get(reverse("referrals:detail", args=[ref_b.uuid])).status_code == 200
    audit_view(actor=coord_b, target=pupil)  # the pupil's own page, through no record
    # A staff member of the school who also coordinates B looks through A's duo.
    both = member(world["staff"], prog_b, "programme_coordinator")
    audit_view(actor=both, target=seen(pupil, trajectory=duo.uuid))
    audit_view(actor=world["coordinator"], target=pupil)

    data = access_export.collect_participant(pupil, programme_ids={duo.programme_id})
    text = json.dumps(data)
    assert prog_b.name not in text and str(ref_b.uuid) not in text
    by = [v["by"] for v in data["views"]]
    school = [b for b in by if duo.school.name in b]  # the fixture's view and this one
    assert len(school) == 2 and all(";" not in b for b in school)  # B's role is not named
    assert any(duo.programme.name in b for b in by)  # A's coordinator on the pupil's page
    everything = access_export.collect_participant(pupil, programme_ids=None)
    assert len(everything["views"]) == len(data["views"]) + 2
    assert prog_b.name in json.dumps(everything["views"])
