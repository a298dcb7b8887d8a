"""Issue 11, point 4: out of scope answers 404, everywhere. Another programme's screening,
import, meet-up notes, required modules and service reach are not found for a coordinator
(an object's existence is not confirmed), and a POST there changes nothing. A role that
never uses these pages keeps its 403 before any object is looked up."""

import pytest
from django.test import Client
from django.urls import reverse

from buddywerk.access.models import Role
from buddywerk.buddies.models import BuddyImport, ImportStatus, ScreeningStatus
from buddywerk.learning.models import EventKind, MeetupNote, RequiredModule
from tests.buddies.factories import applicant, coordinated_programme, institution
from tests.factories import BuddyFactory, member
from tests.learning.factories import EventFactory, ModuleFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def scene():
    programme, coordinator = coordinated_programme(name="Buddy Mechelen (scope)")
    _other, other_coordinator = coordinated_programme(name="Buddy Gent (scope)")
    buddy = applicant(programme)
    job = BuddyImport.objects.create(
        programme=programme,
        training_institution=institution(),
        created_by=coordinator,
        filename="studenten.csv",
        file_format="csv",
        status=ImportStatus.CHECKED,
    )
    meetup = EventFactory(kind=EventKind.MEETUP, programme=programme)
    MeetupNote.objects.create(
        event=meetup,
        programme=programme,
        kind="idea",
        text="Een leesclub.",
        recorded_by=coordinator,
    )
    RequiredModule.objects.create(programme=programme, module=ModuleFactory())
    p, b, j = programme.uuid, buddy.uuid, job.uuid
    urls = [
        reverse("buddies:screening_queue", args=[p]),
        reverse("buddies:screening_detail", args=[p, b]),
        reverse("buddies:import_upload", args=[p]),
        reverse("buddies:import_template", args=[p, "csv"]),
        reverse("buddies:import_detail", args=[p, j]),
        reverse("learning:programme_notes", args=[p]),
        reverse("learning:required_modules", args=[p]),
        reverse("learning:event_manage", args=[meetup.uuid]),
        reverse("network:services_reached", args=[p]),
    ]
    outsider_buddy = BuddyFactory(programmes=[programme])
    member(outsider_buddy.user, programme, Role.BUDDY)
    return {
        "programme": programme,
        "coordinator": coordinator,
        "other_coordinator": other_coordinator,
        "buddy": buddy,
        "urls": urls,
        "outsider_buddy": outsider_buddy.user,
    }


def _client(user):
    client = Client()
    client.force_login(user)
    return client


def test_the_programmes_own_coordinator_opens_every_page(scene):
    client = _client(scene["coordinator"])
    for url in scene["urls"]:
        assert client.get(url).status_code == 200, url


def test_another_programmes_coordinator_gets_404_on_every_page(scene):
    client = _client(scene["other_coordinator"])
    for url in scene["urls"]:
        response = client.get(url)
        assert response.status_code == 404, url
        assert "Buddy Mechelen (scope)" not in response.content.decode(), url


def test_posts_to_another_programme_are_404_and_change_nothing(scene):
    client = _client(scene["other_coordinator"])
    p, buddy = scene["programme"].uuid, scene["buddy"]
    approve = reverse("buddies:screening_approve", args=[p, buddy.uuid])
    assert client.post(approve).status_code == 404
    buddy.refresh_from_db()
    assert buddy.status == ScreeningStatus.APPLIED
    url = reverse("learning:required_modules", args=[p])
    assert client.post(url, {"modules": []}).status_code == 404
    assert RequiredModule.objects.filter(programme=scene["programme"]).count() == 1


def test_a_role_that_never_uses_these_pages_keeps_403(scene):
    """A buddy of the same programme: refused before any object is looked up, so the answer
    is the same for a programme that exists and one that does not."""
    client = _client(scene["outsider_buddy"])
    for url in scene["urls"]:
        assert client.get(url).status_code == 403, url
