"""Screening queue and detail, the buddy's profile page: scoping, actions, query counts."""

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from buddywerk.buddies.models import Buddy, ScreeningStatus
from buddywerk.common.models import AuditEvent
from tests.buddies.factories import applicant, coordinated_programme, profile
from tests.factories import BuddyFactory, ProgrammeFactory

pytestmark = pytest.mark.django_db


def test_queue_oldest_first_and_query_count(client, django_assert_max_num_queries):
    programme, coordinator = coordinated_programme()
    first = applicant(programme)
    Buddy.objects.filter(pk=first.pk).update(created_at=timezone.now() - timezone.timedelta(days=9))
    applicant(programme)
    applicant(ProgrammeFactory())  # another programme's applicant stays out
    client.force_login(coordinator)
    url = reverse("buddies:screening_queue", args=[programme.uuid])
    client.get(url)
    with django_assert_max_num_queries(12):
        response = client.get(url)
    rows = response.context["rows"]
    assert [row["buddy"] for row in rows][0] == first and len(rows) == 2
    assert rows[0]["waiting_days"] == 9
    for _ in range(20):
        applicant(programme)
    with django_assert_max_num_queries(12):
        client.get(url)


def test_other_coordinator_and_foreign_buddy_are_404(client):
    """Issue 11, point 4: another programme's screening is not found (404, not 403)."""
    programme, coordinator = coordinated_programme()
    _other, other_coordinator = coordinated_programme()
    buddy = applicant(programme)
    client.force_login(other_coordinator)
    assert client.get(reverse("buddies:screening_queue", args=[programme.uuid])).status_code == 404
    url = reverse("buddies:screening_detail", args=[programme.uuid, buddy.uuid])
    assert client.get(url).status_code == 404
    approve = reverse("buddies:screening_approve", args=[programme.uuid, buddy.uuid])
    assert client.post(approve).status_code == 404
    buddy.refresh_from_db()
    assert buddy.status == ScreeningStatus.APPLIED
    client.force_login(coordinator)
    stranger = applicant(ProgrammeFactory())
    url = reverse("buddies:screening_detail", args=[programme.uuid, stranger.uuid])
    assert client.get(url).status_code == 404
    url = reverse("buddies:screening_detail", args=[programme.uuid, buddy.uuid])
    assert client.get(url).status_code == 200
    assert AuditEvent.objects.filter(action="view", object_id=str(buddy.uuid)).exists()


def test_screening_actions(client, django_capture_on_commit_callbacks):
    programme, coordinator = coordinated_programme()
    buddy = applicant(programme)
    client.force_login(coordinator)

    def url(action):
        return reverse(f"buddies:screening_{action}", args=[programme.uuid, buddy.uuid])

    response = client.post(url("decline"), {"decline-reason": ""})
    assert "Geef een reden" in response.content.decode()
    buddy.refresh_from_db()
    assert buddy.status == ScreeningStatus.APPLIED
    response = client.post(url("extract"), {"extract-seen_on": "2099-01-01"})
    assert "toekomst" in response.content.decode()
    client.post(url("extract"), {"extract-seen_on": str(timezone.localdate())})
    client.post(url("level"), {"level-level": "expert"})
    # The page itself only shows: a POST to it changes nothing.
    assert client.post(url("detail"), {"action": "approve"}).status_code == 405
    buddy.refresh_from_db()
    assert buddy.status == ScreeningStatus.APPLIED
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url("approve"))
    buddy.refresh_from_db()
    assert buddy.status == ScreeningStatus.APPROVED and buddy.level == "expert"
    assert buddy.extract_seen_on == timezone.localdate()
    assert len(mail.outbox) == 1 and mail.outbox[0].to == [buddy.user.email]


def test_profile_edit_and_pause(client):
    buddy = BuddyFactory(**{k: v for k, v in profile().items() if k != "training_institution"})
    client.force_login(buddy.user)
    url = reverse("buddies:profile")
    assert client.get(url).status_code == 200
    data = {
        "kind": "student",
        "on_internship": "no",
        "training_institution_name": "UCLL",
        "field_of_study": "speech_therapy",
        "languages": ["nl"],
        "competences": ["dutch"],
        "school_levels": ["primary"],
        "meeting_modes": ["school"],
        "slots": [],
        "home_postcode": "2800",
        "travel_radius_km": "10",
        "capacity": "2",
        "available_from": "2026-02-01",
    }
    response = client.post(url, data)
    assert "Vink minstens één moment" in response.content.decode()
    buddy.refresh_from_db()
    assert buddy.capacity == 1
    response = client.post(url, {**data, "slots": ["fri-eve"]})
    assert response.status_code == 302, response.context["form"].errors
    buddy.refresh_from_db()
    assert buddy.slots == ["fri-eve"] and buddy.capacity == 2
    assert buddy.field_of_study == "speech_therapy"
    client.post(reverse("buddies:profile_pause"))
    buddy.refresh_from_db()
    assert buddy.is_paused
    client.post(reverse("buddies:profile_resume"))
    buddy.refresh_from_db()
    assert not buddy.is_paused


def test_queue_shows_required_modules_still_to_do_in_constant_queries(
    client, django_assert_max_num_queries
):
    """Issue 6: the screening queue shows who still misses a module the programme requires
    before a first duo; the number of queries does not grow with the rows."""
    from buddywerk.learning.models import ModuleCompletion, RequiredModule
    from tests.learning.factories import ModuleFactory

    programme, coordinator = coordinated_programme()
    warm = ModuleFactory(title="Een warme band", position=1)
    frame = ModuleFactory(title="Een duidelijk kader", position=2)
    ModuleFactory(title="Niet verplicht")
    for module in (warm, frame):
        RequiredModule.objects.create(programme=programme, module=module)
    ready = applicant(programme)
    half = applicant(programme)
    ModuleCompletion.objects.create(module=warm, buddy=ready)
    ModuleCompletion.objects.create(module=frame, buddy=ready)
    ModuleCompletion.objects.create(module=warm, buddy=half)
    client.force_login(coordinator)
    url = reverse("buddies:screening_queue", args=[programme.uuid])
    client.get(url)
    with django_assert_max_num_queries(14):
        response = client.get(url)
    missing = {
        row["buddy"]: [m.title for m in row["missing_modules"]] for row in response.context["rows"]
    }
    assert missing == {ready: [], half: ["Een duidelijk kader"]}
    assert "Een duidelijk kader" in response.content.decode()
    assert "Niet verplicht" not in response.content.decode()
    for _ in range(15):
        applicant(programme)
    with django_assert_max_num_queries(14):
        response = client.get(url)
    assert len(response.context["rows"]) == 17
    detail = client.get(reverse("buddies:screening_detail", args=[programme.uuid, half.uuid]))
    assert [m.title for m in detail.context["missing_modules"]] == ["Een duidelijk kader"]


def test_profile_shows_attendance_and_modules_to_do(client):
    from buddywerk.learning.models import Registration, RequiredModule
    from tests.learning.factories import EventFactory, ModuleFactory

    programme = ProgrammeFactory(name="Buddy Mechelen")
    buddy = BuddyFactory(programmes=[programme])
    RequiredModule.objects.create(programme=programme, module=ModuleFactory(title="Kader"))
    for attended in (True, True, False):
        Registration.objects.create(
            event=EventFactory(), user=buddy.user, buddy=buddy, attended=attended
        )
    client.force_login(buddy.user)
    response = client.get(reverse("buddies:profile"))
    html = response.content.decode()
    assert response.context["attended_events"] == 2
    assert "Je was op 2 activiteiten." in html
    assert "Kader" in html


def test_detail_says_which_other_programmes_a_decision_counts_for(client):
    programme, coordinator = coordinated_programme(name="Buddy Mechelen")
    other = ProgrammeFactory(name="Buddy Rumst")
    buddy = applicant(programme)
    buddy.programmes.add(other)
    client.force_login(coordinator)
    url = reverse("buddies:screening_detail", args=[programme.uuid, buddy.uuid])
    decline = reverse("buddies:screening_decline", args=[programme.uuid, buddy.uuid])
    client.post(decline, {"decline-reason": "Geen plaats."})
    html = client.get(url).content.decode()
    assert "Buddy Rumst" in html
    assert "Geen plaats." in html and "Buddy Mechelen" in html  # the log names the decider
