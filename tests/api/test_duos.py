"""Point 3 of issue 18: duos and meetings through the API, for schools and programmes:
happy paths, scope (another school's staff, another programme's coordinator: 404),
validation (problem details with field errors), idempotency, and the audit of the look at
the children as on the duo pages."""

import datetime as dt
import json

import pytest
from django.utils import timezone

from buddywerk.access.models import Role
from buddywerk.api.models import ApiScope
from buddywerk.common.audit import AuditAction
from buddywerk.common.models import AuditEvent
from buddywerk.trajectories.enums import MeetingStatus, NoteVisibility
from buddywerk.trajectories.models import Meeting
from tests.api.helpers import api, token_for
from tests.factories import ProgrammeFactory, SchoolFactory, UserFactory, member
from tests.trajectories.factories import TrajectoryFactory

pytestmark = pytest.mark.django_db

READ_WRITE = (ApiScope.DUOS_READ, ApiScope.DUOS_WRITE)


def client_of(user, scopes=READ_WRITE):
    return api(token_for(user, scopes=scopes)[1])


def post(client, url, data, **headers):
    return client.post(url, json.dumps(data), content_type="application/json", headers=headers)


@pytest.fixture
def duo():
    return TrajectoryFactory()


def staff(duo):
    return member(UserFactory(), duo.school, Role.SCHOOL_STAFF)


def coordinator(programme):
    return member(UserFactory(), programme, Role.PROGRAMME_COORDINATOR)


def meeting_body(**overrides):
    data = {
        "date": (timezone.localdate() - dt.timedelta(days=1)).isoformat(),
        "status": "happened",
        "duration_minutes": 50,
        "topics": [],
        "note": "Goed gewerkt aan breuken.",
        "note_visibility": "shared",
    }
    data.update(overrides)
    return data


def test_school_and_programme_list_their_duos_without_names_and_audited(duo):
    other = TrajectoryFactory()
    pupil = duo.participants.get().pupil
    for user in (staff(duo), coordinator(duo.programme)):
        response = client_of(user).get("/api/v1/duos")
        assert response.status_code == 200, response.content
        [item] = response.json()["items"]
        assert item["uuid"] == str(duo.uuid) and item["status"] == "active"
        assert item["participants"] == [{"kind": "pupil", "uuid": str(pupil.uuid)}]
        text = response.content.decode()
        assert pupil.last_name not in text and duo.buddy.user.email not in text
        assert str(other.uuid) not in text
        assert AuditEvent.objects.filter(
            action=AuditAction.VIEW, actor=user, object_id=str(pupil.uuid)
        ).exists()


def test_the_duo_list_filters_with_the_filterset_and_refuses_bad_values(duo):
    TrajectoryFactory(programme=duo.programme, paused=True)
    client = client_of(coordinator(duo.programme))
    statuses = [i["status"] for i in client.get("/api/v1/duos?status=paused").json()["items"]]
    assert statuses == ["paused"]
    assert len(client.get(f"/api/v1/duos?programme={duo.programme.uuid}").json()["items"]) == 2
    response = client.get("/api/v1/duos?status=sleeping")
    assert response.status_code == 422
    assert response["Content-Type"] == "application/problem+json"
    assert [e["field"] for e in response.json()["errors"]] == ["status"]


def test_the_duo_list_pages_with_a_cursor(duo):
    for _ in range(2):
        TrajectoryFactory(programme=duo.programme)
    client = client_of(coordinator(duo.programme))
    first = client.get("/api/v1/duos?limit=2").json()
    second = client.get(f"/api/v1/duos?limit=2&cursor={first['next_cursor']}").json()
    seen = [i["uuid"] for i in first["items"] + second["items"]]
    assert len(seen) == len(set(seen)) == 3 and second["next_cursor"] is None


def test_meetings_are_listed_as_the_duo_page_shows_them(duo):
    lead = coordinator(duo.programme)
    assert (
        post(client_of(lead), f"/api/v1/duos/{duo.uuid}/meetings", meeting_body()).status_code
        == 201
    )
    post(
        client_of(lead),
        f"/api/v1/duos/{duo.uuid}/meetings",
        meeting_body(note="Privé", note_visibility=NoteVisibility.PRIVATE),
    )
    school = staff(duo)
    response = client_of(school).get(f"/api/v1/duos/{duo.uuid}/meetings")
    assert response.status_code == 200
    notes = sorted(m["note"] for m in response.json()["items"])
    assert notes == ["", "Goed gewerkt aan breuken."]  # a private note never reaches the school
    assert "ETag" in response
    again = client_of(school).get(
        f"/api/v1/duos/{duo.uuid}/meetings", headers={"If-None-Match": response["ETag"]}
    )
    assert again.status_code == 304
    pupil = duo.participants.get().pupil
    assert AuditEvent.objects.filter(
        action=AuditAction.VIEW, actor=school, object_id=str(pupil.uuid)
    ).exists()
    filtered = client_of(lead).get(f"/api/v1/duos/{duo.uuid}/meetings?status=cancelled")
    assert filtered.json()["items"] == []
    bad = client_of(lead).get(f"/api/v1/duos/{duo.uuid}/meetings?date_from=gisteren")
    assert bad.status_code == 422 and bad.json()["errors"][0]["field"] == "date_from"


def test_outsiders_of_the_same_role_get_404(duo):
    other_school = member(UserFactory(), SchoolFactory(), Role.SCHOOL_STAFF)
    other_lead = coordinator(ProgrammeFactory())
    for user in (other_school, other_lead):
        client = client_of(user)
        assert client.get("/api/v1/duos").json()["items"] == []
        response = client.get(f"/api/v1/duos/{duo.uuid}/meetings")
        assert response.status_code == 404
        assert response["Content-Type"] == "application/problem+json"
    response = post(client_of(other_lead), f"/api/v1/duos/{duo.uuid}/meetings", meeting_body())
    assert response.status_code == 404
    assert not Meeting.objects.exists()


def test_the_coordinator_logs_a_meeting_and_the_school_may_not(duo):
    lead = coordinator(duo.programme)
    response = post(client_of(lead), f"/api/v1/duos/{duo.uuid}/meetings", meeting_body(wellbeing=4))
    assert response.status_code == 201, response.content
    meeting = Meeting.objects.get()
    assert meeting.logged_by == lead and meeting.status == MeetingStatus.HAPPENED
    assert response.json()["uuid"] == str(meeting.uuid)
    assert duo.wellbeing_scores.filter(score=4, meeting=meeting).exists()
    # School staff see the duo but do not log its meetings (policy.can_log_meeting).
    response = post(client_of(staff(duo)), f"/api/v1/duos/{duo.uuid}/meetings", meeting_body())
    assert response.status_code == 403
    assert Meeting.objects.count() == 1


def test_a_meeting_is_validated_by_the_pages_form_and_service(duo):
    client = client_of(coordinator(duo.programme))
    url = f"/api/v1/duos/{duo.uuid}/meetings"
    response = post(client, url, meeting_body(duration_minutes=2, wellbeing=9))
    assert response.status_code == 422
    assert response["Content-Type"] == "application/problem+json"
    assert {e["field"] for e in response.json()["errors"]} == {"duration_minutes", "wellbeing"}
    response = post(client, url, meeting_body(duration_minutes=0))
    assert [e["field"] for e in response.json()["errors"]] == ["duration_minutes"]
    response = post(client, url, {"status": "happened"})
    assert response.status_code == 422
    assert [e["field"] for e in response.json()["errors"]] == ["date"]
    # R9: not before the agreements are confirmed (the service's refusal, as on the page).
    planned = TrajectoryFactory(programme=duo.programme, planned=True)
    response = post(client, f"/api/v1/duos/{planned.uuid}/meetings", meeting_body())
    assert response.status_code == 422
    assert not Meeting.objects.exists()


def test_a_closed_duo_takes_no_meeting(duo):
    closed = TrajectoryFactory(programme=duo.programme, closed=True)
    client = client_of(coordinator(duo.programme))
    response = post(client, f"/api/v1/duos/{closed.uuid}/meetings", meeting_body())
    assert response.status_code == 409
    assert not Meeting.objects.exists()


def test_a_retried_meeting_with_the_same_key_is_logged_once(duo):
    client = client_of(coordinator(duo.programme))
    url = f"/api/v1/duos/{duo.uuid}/meetings"
    first = post(client, url, meeting_body(), **{"Idempotency-Key": "m-1"})
    again = post(client, url, meeting_body(), **{"Idempotency-Key": "m-1"})
    assert first.status_code == again.status_code == 201
    assert first.json() == again.json()
    assert Meeting.objects.count() == 1
    other = post(client, url, meeting_body(note="Anders"), **{"Idempotency-Key": "m-1"})
    assert other.status_code == 422
    assert Meeting.objects.count() == 1


def test_duos_need_the_duo_scope(duo):
    client = client_of(staff(duo), scopes=[ApiScope.REFERRALS_READ])
    assert client.get("/api/v1/duos").status_code == 403
