"""Events: registration, the waiting list that moves up on a cancellation (with a mail),
attendance, meet-up notes, bad input (R13, [004])."""

import datetime as dt

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from buddywerk.access.models import Role
from buddywerk.learning import selectors, services
from buddywerk.learning.models import (
    Event,
    EventKind,
    MeetupNote,
    Registration,
    RegistrationStatus,
)
from tests.factories import BuddyFactory, ProgrammeFactory, UserFactory, member
from tests.learning.factories import EventFactory, next_season_day

pytestmark = pytest.mark.django_db


@pytest.fixture
def programme():
    return ProgrammeFactory()


def buddy_user(programme):
    buddy = BuddyFactory(programmes=[programme])
    return member(buddy.user, programme, Role.BUDDY)


def coordinator(programme):
    return member(UserFactory(), programme, Role.PROGRAMME_COORDINATOR)


def test_full_event_puts_the_next_buddy_on_the_waiting_list(programme):
    event = EventFactory(capacity=2)
    users = [buddy_user(programme) for _ in range(4)]
    statuses = [services.registration_create(actor=u, event=event).status for u in users]
    assert statuses == ["registered", "registered", "waiting", "waiting"]


def test_cancel_moves_the_first_waiting_buddy_up_with_a_mail(
    programme, django_capture_on_commit_callbacks
):
    event = EventFactory(capacity=1, title="Intervisie rekenen")
    first, second, third = (buddy_user(programme) for _ in range(3))
    taken = services.registration_create(actor=first, event=event)
    services.registration_create(actor=second, event=event)
    services.registration_create(actor=third, event=event)
    with django_capture_on_commit_callbacks(execute=True):
        services.registration_cancel(actor=first, registration=taken)
    statuses = {r.buddy.user: r.status for r in Registration.objects.filter(event=event)}
    assert statuses == {
        first: RegistrationStatus.CANCELLED,
        second: RegistrationStatus.REGISTERED,
        third: RegistrationStatus.WAITING,
    }
    assert [m.to for m in mail.outbox] == [[second.email]]
    assert "Intervisie rekenen" in mail.outbox[0].subject
    promoted = Registration.objects.get(buddy__user=second)
    assert promoted.promoted_at is not None
    assert [t.to_status for t in promoted.transitions.all()] == ["waiting", "registered"]


def test_leaving_the_waiting_list_frees_no_place(programme, django_capture_on_commit_callbacks):
    event = EventFactory(capacity=1)
    first, second, third = (buddy_user(programme) for _ in range(3))
    services.registration_create(actor=first, event=event)
    waiting = services.registration_create(actor=second, event=event)
    services.registration_create(actor=third, event=event)
    with django_capture_on_commit_callbacks(execute=True):
        services.registration_cancel(actor=second, registration=waiting)
    assert Registration.objects.get(buddy__user=third).status == "waiting"
    assert not mail.outbox


def test_twice_is_refused_and_nothing_changes(programme):
    event = EventFactory()
    user = buddy_user(programme)
    services.registration_create(actor=user, event=event)
    with pytest.raises(ValidationError, match="al ingeschreven"):
        services.registration_create(actor=user, event=event)
    assert Registration.objects.count() == 1


def test_after_the_deadline_is_refused(programme):
    now = timezone.now()
    event = EventFactory(
        kind=EventKind.LEARNING_NETWORK,
        starts_at=now + dt.timedelta(hours=5),
        ends_at=now + dt.timedelta(hours=7),
        registration_deadline=now - dt.timedelta(minutes=1),
    )
    with pytest.raises(ValidationError, match="Inschrijven kon tot"):
        services.registration_create(actor=buddy_user(programme), event=event)
    assert not Registration.objects.exists()


def test_register_again_after_cancelling(programme):
    event = EventFactory()
    user = buddy_user(programme)
    registration = services.registration_create(actor=user, event=event)
    services.registration_cancel(actor=user, registration=registration)
    again = services.registration_create(actor=user, event=event)
    assert again.status == "registered"


def test_only_buddies_register_and_only_for_events_they_see(programme):
    other_meetup = EventFactory(kind=EventKind.MEETUP, programme=ProgrammeFactory())
    with pytest.raises(PermissionDenied):
        services.registration_create(actor=buddy_user(programme), event=other_meetup)
    with pytest.raises(PermissionDenied):
        services.registration_create(actor=coordinator(programme), event=EventFactory())


def test_registration_through_the_pages(client, programme):
    event = EventFactory(capacity=1)
    first, second = buddy_user(programme), buddy_user(programme)
    client.force_login(first)
    client.post(f"/learning/events/{event.uuid}/register/")
    client.force_login(second)
    response = client.post(f"/learning/events/{event.uuid}/register/", follow=True)
    body = response.content.decode()
    assert "wachtlijst" in body
    assert 'data-status="waiting"' in body
    response = client.post(f"/learning/events/{event.uuid}/register/", follow=True)
    assert "Je bent al ingeschreven" in response.content.decode()


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"ends_at": -1}, "ends_at", "Het einde moet na de start komen."),
        ({"capacity": 0}, "capacity", None),
        ({"deadline_after_start": True}, "registration_deadline", None),
        ({"out_of_season": True}, "starts_at", "15 januari tot 31 mei"),
        ({"title": "<b>Intervisie</b>"}, "title", "HTML"),
    ],
)
def test_bad_events_are_refused(client, programme, changes, field, message):
    user = coordinator(programme)
    start = next_season_day()
    data = {
        "kind": "intervision",
        "title": "Intervisie wiskunde",
        "programme": programme.pk,
        "audience": "buddies",
        "starts_at": start.strftime("%Y-%m-%dT%H:%M"),
        "ends_at": (start + dt.timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M"),
        "registration_deadline": (start - dt.timedelta(days=1)).strftime("%Y-%m-%dT%H:%M"),
        "place": "Stadhuis",
        "capacity": 10,
    }
    if changes.get("ends_at"):
        data["ends_at"] = (start - dt.timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M")
    if "capacity" in changes:
        data["capacity"] = changes["capacity"]
    if changes.get("deadline_after_start"):
        data["registration_deadline"] = (start + dt.timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M")
    if changes.get("out_of_season"):
        september = start.replace(month=9)
        data["starts_at"] = september.strftime("%Y-%m-%dT%H:%M")
        data["ends_at"] = (september + dt.timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M")
        data["registration_deadline"] = (september - dt.timedelta(days=1)).strftime(
            "%Y-%m-%dT%H:%M"
        )
    if "title" in changes:
        data["title"] = changes["title"]
    client.force_login(user)
    response = client.post("/learning/events/new/", data)
    assert response.status_code == 200
    form = response.context["form"]
    assert field in form.errors, form.errors
    if message:
        assert message in " ".join(form.errors[field])
    assert not Event.objects.exists()


def test_event_created_by_a_coordinator(client, programme):
    client.force_login(coordinator(programme))
    start = next_season_day()
    response = client.post(
        "/learning/events/new/",
        {
            "kind": "meetup",
            "title": "Buddymoment maart",
            "programme": programme.pk,
            "audience": "buddies",
            "starts_at": start.strftime("%Y-%m-%dT%H:%M"),
            "ends_at": (start + dt.timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M"),
            "registration_deadline": (start - dt.timedelta(days=1)).strftime("%Y-%m-%dT%H:%M"),
            "place": "Buurthuis",
            "capacity": 12,
        },
    )
    event = Event.objects.get()
    assert response.status_code == 302
    assert event.programme == programme


def test_attendance_and_meetup_notes(programme):
    organiser = coordinator(programme)
    now = timezone.now()
    event = EventFactory(
        kind=EventKind.MEETUP,
        programme=programme,
        starts_at=now + dt.timedelta(days=1),
        ends_at=now + dt.timedelta(days=1, hours=2),
        registration_deadline=now + dt.timedelta(hours=1),
    )
    came, absent = buddy_user(programme), buddy_user(programme)
    r1 = services.registration_create(actor=came, event=event)
    services.registration_create(actor=absent, event=event)
    with pytest.raises(ValidationError):  # not before the event
        services.attendance_record(actor=organiser, event=event, present={r1.pk})
    Event.objects.filter(pk=event.pk).update(starts_at=now - dt.timedelta(hours=1))
    event.refresh_from_db()
    assert services.attendance_record(actor=organiser, event=event, present={r1.pk}) == 1
    assert selectors.attendance_count(came.buddy) == 1
    assert selectors.attendance_count(absent.buddy) == 0
    note = services.meetup_note_record(
        actor=organiser, event=event, kind="signal", text="Gezinnen vinden geen kinderopvang."
    )
    assert list(selectors.meetup_notes_for(user=organiser, programme=programme)) == [note]
    with pytest.raises(ValidationError):
        services.meetup_note_record(
            actor=organiser, event=event, kind="idea", text="<script>x</script>"
        )
    assert MeetupNote.objects.count() == 1
    with pytest.raises(PermissionDenied):
        services.attendance_record(
            actor=coordinator(ProgrammeFactory()), event=event, present=set()
        )


def test_events_for_calendar_holds_only_places(programme):
    user = buddy_user(programme)
    full = EventFactory(capacity=1)
    services.registration_create(actor=buddy_user(programme), event=full)
    services.registration_create(actor=user, event=full)  # waiting
    mine = EventFactory()
    services.registration_create(actor=user, event=mine)
    assert list(selectors.events_for_calendar(user.buddy)) == [mine]


def test_event_list_query_count(client, programme, django_assert_max_num_queries):
    user = buddy_user(programme)
    for _ in range(5):
        services.registration_create(actor=user, event=EventFactory())
    client.force_login(user)
    with django_assert_max_num_queries(12):
        response = client.get("/learning/events/")
    assert response.status_code == 200
    for _ in range(5):
        EventFactory()
    with django_assert_max_num_queries(12):
        client.get("/learning/events/")


def test_event_manage_query_count(client, programme, django_assert_max_num_queries):
    event = EventFactory(kind=EventKind.MEETUP, programme=programme, capacity=3)
    for _ in range(2):
        services.registration_create(actor=buddy_user(programme), event=event)
    client.force_login(coordinator(programme))
    url = f"/learning/events/{event.uuid}/manage/"
    with django_assert_max_num_queries(14):
        assert client.get(url).status_code == 200
    for _ in range(6):
        services.registration_create(actor=buddy_user(programme), event=event)
    with django_assert_max_num_queries(14):
        body = client.get(url).content.decode()
    assert body.count("registration_cancel") == 0 and body.count("/cancel/") == 8


def test_attendance_and_note_are_one_post_endpoint_each(client, programme):
    """Issue 12, point 8: the organiser's page only shows; attendance and a meet-up note
    are posted to their own endpoints, and a refusal comes back on the form."""
    organiser = coordinator(programme)
    now = timezone.now()
    event = EventFactory(
        kind=EventKind.MEETUP,
        programme=programme,
        starts_at=now + dt.timedelta(days=1),
        ends_at=now + dt.timedelta(days=1, hours=2),
        registration_deadline=now + dt.timedelta(hours=1),
    )
    came = services.registration_create(actor=buddy_user(programme), event=event)
    client.force_login(organiser)
    manage = reverse("learning:event_manage", args=[event.uuid])
    attendance = reverse("learning:event_attendance", args=[event.uuid])
    note = reverse("learning:event_note", args=[event.uuid])
    assert client.post(manage, {"action": "attendance", "present": [came.pk]}).status_code == 405

    response = client.post(attendance, {"present": [came.pk]})  # before the event
    assert response.status_code == 200
    assert response.context["attendance"].non_field_errors()
    came.refresh_from_db()
    assert not came.attended

    Event.objects.filter(pk=event.pk).update(starts_at=now - dt.timedelta(hours=1))
    assert client.post(attendance, {"present": [came.pk]})["Location"] == manage
    came.refresh_from_db()
    assert came.attended

    response = client.post(note, {"kind": "idea", "text": "<b>x</b>"})
    assert response.status_code == 200 and not MeetupNote.objects.exists()
    assert client.post(note, {"kind": "idea", "text": "Een uitstap."})["Location"] == manage
    assert MeetupNote.objects.get().text == "Een uitstap."

    client.force_login(coordinator(ProgrammeFactory()))
    assert client.post(note, {"kind": "idea", "text": "Niet van mij."}).status_code == 404
    assert MeetupNote.objects.count() == 1
