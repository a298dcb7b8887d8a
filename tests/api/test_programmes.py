"""Point 3 of issue 18: a programme's buddies and proposals through the API: happy paths,
scope (another programme's coordinator: 404), validation, idempotency, audit."""

import json

import pytest

from buddywerk.api.models import ApiScope
from buddywerk.buddies.models import ScreeningStatus
from buddywerk.common.audit import AuditAction
from buddywerk.common.models import AuditEvent
from buddywerk.matching.models import Proposal
from tests.api.helpers import api, token_for
from tests.factories import BuddyFactory, ProgrammeFactory, PupilFactory, SchoolFactory
from tests.matching.helpers import coordinator_of, fitting_buddy, queued_referral, staff_of

pytestmark = pytest.mark.django_db

ALL = list(ApiScope.values)


def client_of(user, scopes=ALL):
    return api(token_for(user, scopes=scopes)[1])


def post(client, url, data, **headers):
    return client.post(url, json.dumps(data), content_type="application/json", headers=headers)


@pytest.fixture
def world():
    programme = ProgrammeFactory()
    school = SchoolFactory()
    return {
        "programme": programme,
        "school": school,
        "coordinator": coordinator_of(programme),
        "staff": staff_of(school),
    }


def test_a_coordinator_lists_the_programmes_buddies_without_extract_details(world):
    programme = world["programme"]
    approved = fitting_buddy(programme, capacity=2)
    applied = BuddyFactory(programmes=[programme], status=ScreeningStatus.APPLIED)
    BuddyFactory(programmes=[ProgrammeFactory()])  # another programme's
    client = client_of(world["coordinator"])
    response = client.get(f"/api/v1/programmes/{programme.uuid}/buddies")
    assert response.status_code == 200, response.content
    items = {i["uuid"]: i for i in response.json()["items"]}
    assert set(items) == {str(approved.uuid), str(applied.uuid)}
    assert items[str(approved.uuid)]["capacity"] == 2
    assert items[str(approved.uuid)]["status"] == "approved"
    assert items[str(approved.uuid)]["slots"] == ["mon-pm", "wed-pm"]
    text = response.content.decode()
    assert "extract" not in text and approved.user.email not in text
    response = client.get(f"/api/v1/programmes/{programme.uuid}/buddies?status=applied")
    assert [i["uuid"] for i in response.json()["items"]] == [str(applied.uuid)]
    response = client.get(f"/api/v1/programmes/{programme.uuid}/buddies?status=famous")
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "status"


def test_another_programmes_coordinator_and_a_school_do_not_reach_the_buddies(world):
    url = f"/api/v1/programmes/{world['programme'].uuid}/buddies"
    other = coordinator_of(ProgrammeFactory())
    response = client_of(other).get(url)
    assert response.status_code == 404
    assert response["Content-Type"] == "application/problem+json"
    assert client_of(world["staff"]).get(url).status_code == 403
    assert client_of(world["coordinator"], [ApiScope.DUOS_READ]).get(url).status_code == 403


def test_a_coordinator_proposes_a_buddy_and_reads_the_proposal(world):
    programme = world["programme"]
    referral = queued_referral(programme, pupil=PupilFactory(school=world["school"]))
    buddy = fitting_buddy(programme)
    client = client_of(world["coordinator"])
    body = {"referral": str(referral.uuid), "buddy": str(buddy.uuid)}
    response = post(client, "/api/v1/proposals", body)
    assert response.status_code == 201, response.content
    proposal = Proposal.objects.get()
    assert response.json()["uuid"] == str(proposal.uuid)
    assert response.json()["status"] == "pending"
    assert referral.pupil.last_name not in response.content.decode()
    # The school that referred reads it too, and its look at the pupil is audited.
    response = client_of(world["staff"]).get(f"/api/v1/proposals/{proposal.uuid}")
    assert response.status_code == 200
    assert [h["to_status"] for h in response.json()["history"]] == ["pending"]
    assert AuditEvent.objects.filter(
        action=AuditAction.VIEW, actor=world["staff"], object_id=str(referral.pupil.uuid)
    ).exists()


def test_proposals_stay_in_scope(world):
    programme = world["programme"]
    referral = queued_referral(programme, pupil=PupilFactory(school=world["school"]))
    buddy = fitting_buddy(programme)
    other = coordinator_of(ProgrammeFactory())
    body = {"referral": str(referral.uuid), "buddy": str(buddy.uuid)}
    assert post(client_of(other), "/api/v1/proposals", body).status_code == 404
    # A buddy of another programme is not found for this referral.
    stranger = fitting_buddy(ProgrammeFactory())
    response = post(
        client_of(world["coordinator"]),
        "/api/v1/proposals",
        {"referral": str(referral.uuid), "buddy": str(stranger.uuid)},
    )
    assert response.status_code == 404
    assert post(client_of(world["staff"]), "/api/v1/proposals", body).status_code == 403
    assert not Proposal.objects.exists()
    proposal = Proposal.objects.create(
        programme=programme, referral=referral, buddy=buddy, score=1, due_at=referral.created_at
    )
    assert client_of(other).get(f"/api/v1/proposals/{proposal.uuid}").status_code == 404
    other_staff = staff_of(SchoolFactory())
    assert client_of(other_staff).get(f"/api/v1/proposals/{proposal.uuid}").status_code == 404


def test_a_proposal_is_validated(world):
    programme = world["programme"]
    referral = queued_referral(programme, pupil=PupilFactory(school=world["school"]))
    client = client_of(world["coordinator"])
    response = post(client, "/api/v1/proposals", {"referral": "nope"})
    assert response.status_code == 422
    assert {e["field"] for e in response.json()["errors"]} == {"referral", "buddy"}
    # A buddy without a free place: the service's own refusal (422), nothing created.
    full = fitting_buddy(programme, capacity=1)
    post(
        client,
        "/api/v1/proposals",
        {"referral": str(referral.uuid), "buddy": str(full.uuid)},
    )
    second = queued_referral(programme, pupil=PupilFactory(school=world["school"]))
    response = post(
        client, "/api/v1/proposals", {"referral": str(second.uuid), "buddy": str(full.uuid)}
    )
    assert response.status_code == 422
    assert response["Content-Type"] == "application/problem+json"
    assert Proposal.objects.count() == 1


def test_a_retried_proposal_with_the_same_key_is_made_once(world):
    programme = world["programme"]
    referral = queued_referral(programme, pupil=PupilFactory(school=world["school"]))
    buddy = fitting_buddy(programme)
    client = client_of(world["coordinator"])
    body = {"referral": str(referral.uuid), "buddy": str(buddy.uuid)}
    first = post(client, "/api/v1/proposals", body, **{"Idempotency-Key": "p-1"})
    again = post(client, "/api/v1/proposals", body, **{"Idempotency-Key": "p-1"})
    assert first.status_code == again.status_code == 201
    assert first.json() == again.json()
    assert Proposal.objects.count() == 1
