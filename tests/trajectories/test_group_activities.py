"""Issue 20, point 4: a family programme plans a group activity, invites several families'
duos, takes attendance; each attending family's duo counts it as a held meeting (the same
Meeting rows and rollup the hours, reports and follow-up read), once."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from buddywerk.common.models import AuditEvent
from buddywerk.common.workflow import TransitionNotAllowed
from buddywerk.trajectories import group_services as gs
from buddywerk.trajectories import meeting_services as ms
from buddywerk.trajectories import services
from buddywerk.trajectories.enums import GroupActivityStatus, MeetingStatus
from buddywerk.trajectories.models import DuoMonth, GroupActivity, Meeting
from tests.factories import ProgrammeFactory, UserFactory, member
from tests.trajectories.factories import TrajectoryFactory, coordinator_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def families():
    first = TrajectoryFactory(family=True)
    programme = first.programme
    second = TrajectoryFactory(family=True, programme=programme, service=first.school)
    third = TrajectoryFactory(family=True, programme=programme, service=first.school)
    return programme, [first, second, third], coordinator_of(first)


def _plan(programme, duos, coordinator, *, date=None, **kwargs):
    return gs.group_activity_plan(
        actor=coordinator,
        programme=programme,
        title="Voorleesnamiddag in de bib",
        date=date or timezone.localdate(),
        start_time=dt.time(14, 0),
        duration_minutes=90,
        mode="out_about",
        place="Stadsbibliotheek",
        trajectories=duos,
        **kwargs,
    )


def test_attendance_makes_one_held_meeting_per_attending_family(families):
    programme, duos, coordinator = families
    activity = _plan(programme, duos, coordinator)
    assert activity.invites.count() == 3
    gs.group_activity_attendance(
        actor=coordinator, activity=activity, attended=[duos[0].pk, duos[2].pk]
    )
    activity.refresh_from_db()
    assert activity.status == GroupActivityStatus.HELD
    meetings = Meeting.objects.filter(group_activity=activity)
    assert {m.trajectory_id for m in meetings} == {duos[0].pk, duos[2].pk}
    assert all(m.status == MeetingStatus.HAPPENED and m.duration_minutes == 90 for m in meetings)
    # The rollup the hours and the reports read counts it.
    month = timezone.localdate().replace(day=1)
    assert DuoMonth.objects.get(trajectory=duos[0], month=month).minutes >= 90
    assert not Meeting.objects.filter(trajectory=duos[1], group_activity=activity).exists()
    assert list(activity.invites.order_by("trajectory_id").values_list("attended", flat=True)) == [
        True,
        False,
        True,
    ]
    assert AuditEvent.objects.filter(action="group_activity.attendance").count() == 1
    assert activity.transitions.filter(transition="hold").count() == 1
    # Taken once: a second attempt changes nothing and counts nothing twice.
    with pytest.raises(TransitionNotAllowed):
        gs.group_activity_attendance(actor=coordinator, activity=activity, attended=[duos[1].pk])
    assert Meeting.objects.filter(group_activity=activity).count() == 2


def test_attendance_waits_for_the_day_and_takes_only_invited_families(families):
    programme, duos, coordinator = families
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    activity = _plan(programme, duos[:2], coordinator, date=tomorrow)
    with pytest.raises(ValidationError):
        gs.group_activity_attendance(actor=coordinator, activity=activity, attended=[duos[0].pk])
    today_activity = _plan(programme, duos[:2], coordinator)
    with pytest.raises(ValidationError):
        gs.group_activity_attendance(
            actor=coordinator, activity=today_activity, attended=[duos[2].pk]
        )
    assert not Meeting.objects.filter(group_activity__isnull=False).exists()
    assert GroupActivity.objects.filter(status=GroupActivityStatus.PLANNED).count() == 2


def test_planning_refuses_bad_input_and_outsiders(families):
    programme, duos, coordinator = families
    with pytest.raises(ValidationError) as caught:
        gs.group_activity_plan(
            actor=coordinator,
            programme=programme,
            title=" ",
            date=timezone.localdate() - dt.timedelta(days=1),
            start_time=None,
            duration_minutes=60,
            mode="online",
            place="",
            trajectories=duos[:1],
        )
    assert set(caught.value.message_dict) == {"title", "date", "mode", "place", "trajectories"}
    # A pupil's duo is not a family's.
    pupil_duo = TrajectoryFactory(programme=ProgrammeFactory())
    with pytest.raises(ValidationError):
        _plan(programme, [duos[0], pupil_duo], coordinator)
    outsider = member(UserFactory(), ProgrammeFactory(), "programme_coordinator")
    with pytest.raises(PermissionDenied):
        _plan(programme, duos, outsider)
    with pytest.raises(PermissionDenied):
        _plan(programme, duos, duos[0].buddy.user)
    assert not GroupActivity.objects.exists()


def test_cancel_needs_a_reason_and_the_coordinator(families):
    programme, duos, coordinator = families
    activity = _plan(programme, duos, coordinator)
    with pytest.raises(PermissionDenied):
        gs.group_activity_cancel(actor=duos[0].buddy.user, activity=activity, reason="Regen")
    with pytest.raises(ValidationError):
        gs.group_activity_cancel(actor=coordinator, activity=activity, reason=" ")
    gs.group_activity_cancel(actor=coordinator, activity=activity, reason="Regen")
    activity.refresh_from_db()
    assert activity.status == GroupActivityStatus.CANCELLED


def test_pages_plan_and_take_attendance(client, families):
    programme, duos, coordinator = families
    client.force_login(coordinator)
    duo_list = client.get(reverse("trajectories:list")).content.decode()
    assert reverse("trajectories:group_activity_list") in duo_list
    page = client.get(reverse("trajectories:group_activity_create"))
    assert page.status_code == 200
    response = client.post(
        reverse("trajectories:group_activity_create"),
        {
            "programme": programme.pk,
            "title": "Markt",
            "date": timezone.localdate().isoformat(),
            "start_time": "10:00",
            "duration_minutes": "60",
            "mode": "out_about",
            "place": "Vrijdagmarkt",
            "trajectories": [duos[0].pk, duos[1].pk],
        },
    )
    activity = GroupActivity.objects.get()
    assert response.status_code == 302
    detail = reverse("trajectories:group_activity_detail", args=[activity.uuid])
    assert response.url == detail
    assert client.post(detail, {"attended": [duos[1].pk]}).status_code == 302
    assert Meeting.objects.get(group_activity=activity).trajectory_id == duos[1].pk
    listing = client.get(reverse("trajectories:group_activity_list"))
    assert "Markt" in listing.content.decode()
    # Bad input: a clear error, nothing made.
    bad = client.post(
        reverse("trajectories:group_activity_create"),
        {"programme": programme.pk, "title": "", "trajectories": []},
    )
    assert bad.status_code == 200 and GroupActivity.objects.count() == 1


def test_another_programmes_coordinator_gets_404_on_the_activity(client, families):
    programme, duos, coordinator = families
    activity = _plan(programme, duos, coordinator)
    other = member(UserFactory(), TrajectoryFactory(family=True).programme, "programme_coordinator")
    client.force_login(other)
    detail = reverse("trajectories:group_activity_detail", args=[activity.uuid])
    assert client.get(detail).status_code == 404
    assert client.post(detail, {"attended": [duos[0].pk]}).status_code == 404
    assert not Meeting.objects.filter(group_activity=activity).exists()


GROUP_MEETING_MESSAGE = "komt van de aanwezigheid bij een groepsactiviteit"


def _attended(programme, duos, coordinator):
    activity = _plan(programme, duos[:2], coordinator)
    gs.group_activity_attendance(actor=coordinator, activity=activity, attended=[duos[0].pk])
    return activity, Meeting.objects.get(group_activity=activity)


def test_the_meeting_of_an_attendance_keeps_its_date_and_status(client, families):
    """The attendance is the only source of a group activity's meeting: the buddy cannot
    record it as cancelled or on another day, nor who logged it delete it, while the
    attendance says the family was there. A note is still theirs to add."""
    programme, duos, coordinator = families
    activity, meeting = _attended(programme, duos, coordinator)
    duo, buddy = duos[0], duos[0].buddy.user
    today = timezone.localdate()
    with pytest.raises(ValidationError, match=GROUP_MEETING_MESSAGE):
        services.meeting_update(
            actor=buddy, meeting=meeting, date=today, status="cancelled", cancel_reason="other"
        )
    with pytest.raises(ValidationError, match=GROUP_MEETING_MESSAGE):
        services.meeting_update(
            actor=buddy,
            meeting=meeting,
            date=today - dt.timedelta(days=1),
            status="happened",
            duration_minutes=90,
        )
    with pytest.raises(ValidationError, match=GROUP_MEETING_MESSAGE):
        ms.meeting_delete(actor=coordinator, meeting=meeting)
    client.force_login(buddy)
    response = client.post(
        reverse("trajectories:meeting_edit", args=[duo.uuid, meeting.uuid]),
        {
            "date": (today - dt.timedelta(days=2)).isoformat(),
            "status": "cancelled",
            "cancel_reason": "pupil_absent",
            "note_visibility": "private",
        },
    )
    assert GROUP_MEETING_MESSAGE in response.content.decode()
    meeting.refresh_from_db()
    assert (meeting.status, meeting.date, meeting.duration_minutes) == ("happened", today, 90)
    assert activity.invites.get(trajectory=duo).attended
    services.meeting_update(
        actor=buddy,
        meeting=meeting,
        date=today,
        status="happened",
        duration_minutes=90,
        topics=["outing"],
        note="Samen een boek gekozen.",
    )
    meeting.refresh_from_db()
    assert meeting.note == "Samen een boek gekozen."


def test_the_duo_page_offers_no_change_or_delete_for_an_attendance(client, families):
    programme, duos, coordinator = families
    _activity, meeting = _attended(programme, duos, coordinator)
    duo = duos[0]
    edit = reverse("trajectories:meeting_edit", args=[duo.uuid, meeting.uuid])
    delete = reverse("trajectories:meeting_delete", args=[duo.uuid, meeting.uuid])
    for user in (duo.buddy.user, coordinator):
        client.force_login(user)
        page = client.get(reverse("trajectories:detail", args=[duo.uuid])).content.decode()
        assert edit not in page and delete not in page
