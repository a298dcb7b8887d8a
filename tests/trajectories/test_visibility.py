"""Who sees what: the buddy sees own duos and first names only; the school sees its pupils'
duos and shared notes, never private notes; the coordinator sees the programme's duos;
every view of a duo is audited."""

import pytest
from django.urls import reverse
from django.utils import timezone

from buddywerk.access import policy
from buddywerk.common.models import AuditEvent
from buddywerk.referrals.models import Pupil
from buddywerk.trajectories import services
from buddywerk.trajectories.models import Trajectory
from tests.trajectories.factories import TrajectoryFactory, coordinator_of, school_staff_of

pytestmark = pytest.mark.django_db

PRIVATE = "Thuis is er veel spanning."
SHARED = "Werkte goed mee aan breuken."


@pytest.fixture
def duo():
    duo = TrajectoryFactory()
    pupil = duo.participants.get().pupil
    Pupil.objects.filter(pk=pupil.pk).update(first_name="Zinedine", last_name="Vandersteen")
    today = timezone.localdate()
    for note, visibility in [(PRIVATE, "private"), (SHARED, "shared")]:
        services.meeting_log(
            actor=duo.buddy.user,
            trajectory=duo,
            date=today,
            duration_minutes=45,
            note=note,
            note_visibility=visibility,
        )
    return duo


def _page(client, user, duo):
    client.force_login(user)
    response = client.get(reverse("trajectories:detail", args=[duo.uuid]))
    assert response.status_code == 200
    return response.content.decode()


def test_buddy_sees_first_name_only_and_own_notes(client, duo):
    page = _page(client, duo.buddy.user, duo)
    assert "Zinedine" in page
    assert "Vandersteen" not in page
    assert PRIVATE in page and SHARED in page
    listing = client.get(reverse("trajectories:list")).content.decode()
    assert "Zinedine" in listing and "Vandersteen" not in listing


def test_school_never_sees_private_notes(client, duo):
    page = _page(client, school_staff_of(duo), duo)
    assert "Zinedine Vandersteen" in page
    assert SHARED in page
    assert PRIVATE not in page


def test_coordinator_sees_everything_of_the_programme(client, duo):
    page = _page(client, coordinator_of(duo), duo)
    assert "Zinedine Vandersteen" in page
    assert PRIVATE in page


def test_other_buddies_and_schools_get_404(client, duo):
    other = TrajectoryFactory()
    for user in [other.buddy.user, school_staff_of(other), coordinator_of(other)]:
        client.force_login(user)
        response = client.get(reverse("trajectories:detail", args=[duo.uuid]))
        assert response.status_code == 404
        assert Trajectory.objects.visible_to(user).filter(pk=duo.pk).count() == 0


def test_every_view_is_audited(client, duo):
    """The view of a duo is a view of its pupil: the pupil is the target, the duo the
    record it was seen through (common/audit.py)."""
    _page(client, duo.buddy.user, duo)
    pupil = duo.participants.get().pupil
    event = AuditEvent.objects.get(action="view", object_id=str(pupil.uuid))
    assert event.actor == duo.buddy.user
    assert event.object_type == "referrals.pupil"
    assert event.detail == {"trajectory": str(duo.uuid)}


def test_a_buddy_sees_the_pupils_of_own_duos(duo):
    other = TrajectoryFactory()
    visible = policy.pupils_visible_to(duo.buddy.user, Pupil.objects.all())
    assert list(visible) == [duo.participants.get().pupil]
    assert other.participants.get().pupil not in visible


def test_list_query_count_does_not_grow(client, duo, django_assert_max_num_queries):
    coordinator = coordinator_of(duo)
    for _ in range(4):
        TrajectoryFactory(programme=duo.programme, pupils=2)
    client.force_login(coordinator)
    with django_assert_max_num_queries(14):
        response = client.get(reverse("trajectories:list"))
    assert response.status_code == 200
    assert response.content.decode().count("/duos/") >= 5


def test_the_list_audits_every_duo_it_shows(client, duo):
    """Issue 5: every view of a duo is audited, also as a row of the list."""
    other = TrajectoryFactory(programme=duo.programme)
    coordinator = coordinator_of(duo)
    client.force_login(coordinator)
    last = AuditEvent.objects.order_by("-id").values_list("id", flat=True).first() or 0
    assert client.get(reverse("trajectories:list")).status_code == 200
    seen = list(AuditEvent.objects.filter(id__gt=last, actor=coordinator, action="view"))
    # one event per pupil shown, the duo it was listed with in the detail
    expected = {
        (str(p.pupil.uuid), str(t.uuid))
        for t in (duo, other)
        for p in t.participants.select_related("pupil")
    }
    assert {(e.object_id, e.detail["trajectory"]) for e in seen} >= expected
    assert all(e.object_type == "referrals.pupil" and e.detail["list"] for e in seen)
