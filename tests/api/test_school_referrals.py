"""Point 3 of issue 18, the schools' referral operations: create (as the page's form, with
consent), read status and history (ETag), submit, withdraw; scope (404), validation,
idempotency."""

import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from buddywerk.api.models import ApiScope
from buddywerk.common.audit import AuditAction
from buddywerk.common.models import AuditEvent
from buddywerk.geo.models import Municipality
from buddywerk.referrals.models import Pupil, Referral, ReferralStatus, school_year_start
from tests.api.helpers import api, school_staff, token_for
from tests.factories import ProgrammeFactory, PupilFactory, ReferralFactory

pytestmark = pytest.mark.django_db

BOTH = (ApiScope.REFERRALS_READ, ApiScope.REFERRALS_WRITE)


def body(programme, **overrides):
    data = {
        "programme": str(programme.uuid),
        "first_name": "Amira",
        "last_name": "Peeters",
        "school_year": 6,
        "birth_year": school_year_start() - 11,
        "home_languages": ["nl"],
        "needs": ["maths"],
        "criteria": ["motivated"],
        "meeting_modes": ["school"],
        "time_slots": ["mon-pm"],
        "urgency": 2,
        "complexity": "normal",
        "consent_given_on": timezone.localdate().isoformat(),
        "consent_given_by": "moeder",
        "consent_giver": "parent",
        "consent_method": "paper",
    }
    data.update(overrides)
    return data


def post(client, url, data, **headers):
    return client.post(url, json.dumps(data), content_type="application/json", headers=headers)


@pytest.fixture
def setup():
    user, school = school_staff()
    programme = ProgrammeFactory(name="Buddy Mechelen")
    _token, key = token_for(user, scopes=BOTH)
    return user, school, programme, api(key)


def test_a_school_refers_submits_reads_and_withdraws(setup):
    user, school, programme, client = setup
    response = post(client, "/api/v1/referrals/pupil", body(programme))
    assert response.status_code == 201, response.content
    referral = Referral.objects.get()
    assert referral.status == ReferralStatus.DRAFT and referral.pupil.school == school
    assert response.json()["uuid"] == str(referral.uuid)
    assert "Amira" not in response.content.decode()
    assert AuditEvent.objects.filter(action=AuditAction.REFERRAL_CREATE, actor=user).exists()

    response = client.post(f"/api/v1/referrals/{referral.uuid}/submit")
    assert response.status_code == 200, response.content
    assert response.json()["status"] == ReferralStatus.SUBMITTED
    assert client.post(f"/api/v1/referrals/{referral.uuid}/submit").status_code == 409

    response = client.get(f"/api/v1/referrals/{referral.uuid}")
    assert response.status_code == 200, response.content
    assert [h["to_status"] for h in response.json()["history"]] == ["submitted"]
    # The look at the pupil is audited as on the page.
    assert AuditEvent.objects.filter(
        action=AuditAction.VIEW, object_id=str(referral.pupil.uuid), actor=user
    ).exists()

    response = post(client, f"/api/v1/referrals/{referral.uuid}/withdraw", {"reason": "Moved"})
    assert response.status_code == 200, response.content
    assert response.json()["status"] == ReferralStatus.WITHDRAWN
    again = post(client, f"/api/v1/referrals/{referral.uuid}/withdraw", {"reason": ""})
    assert again.status_code == 409


def test_etag_and_if_none_match(setup):
    user, school, programme, client = setup
    referral = ReferralFactory(pupil=PupilFactory(school=school), programme=programme)
    first = client.get(f"/api/v1/referrals/{referral.uuid}")
    etag = first["ETag"]
    unchanged = client.get(f"/api/v1/referrals/{referral.uuid}", headers={"If-None-Match": etag})
    assert unchanged.status_code == 304 and unchanged.content == b""
    post(client, f"/api/v1/referrals/{referral.uuid}/withdraw", {"reason": ""})
    changed = client.get(f"/api/v1/referrals/{referral.uuid}", headers={"If-None-Match": etag})
    assert changed.status_code == 200 and changed["ETag"] != etag


def test_a_retried_create_with_the_same_key_creates_nothing(setup):
    _user, _school, programme, client = setup
    first = post(client, "/api/v1/referrals/pupil", body(programme), **{"Idempotency-Key": "k1"})
    retry = post(client, "/api/v1/referrals/pupil", body(programme), **{"Idempotency-Key": "k1"})
    assert first.status_code == retry.status_code == 201
    assert first.json() == retry.json()
    assert Referral.objects.count() == 1 and Pupil.objects.count() == 1
    other = post(
        client,
        "/api/v1/referrals/pupil",
        body(programme, first_name="Sam"),
        **{"Idempotency-Key": "k1"},
    )
    assert other.status_code == 422
    assert Referral.objects.count() == 1
    post(client, "/api/v1/referrals/pupil", body(programme), **{"Idempotency-Key": "k2"})
    assert Referral.objects.count() == 2


def test_bad_input_gets_the_form_s_dutch_errors_and_saves_nothing(setup):
    _user, _school, programme, client = setup
    response = post(
        client, "/api/v1/referrals/pupil", body(programme, birth_year=school_year_start() - 40)
    )
    assert response.status_code == 422
    # Issue 16, point 5: the form's school ages answer before the school-year rule.
    assert "geef een geboortejaar van" in response.content.decode()
    assert not Pupil.objects.exists() and not Referral.objects.exists()
    # A programme that does not cover the school is not a choice.
    elsewhere = ProgrammeFactory(municipalities=Municipality.objects.filter(nis_code="44021"))
    response = post(client, "/api/v1/referrals/pupil", body(elsewhere))
    assert response.status_code == 422
    assert not Referral.objects.exists()


def test_submit_without_consent_is_refused_by_the_service(setup):
    _user, _school, programme, client = setup
    post(client, "/api/v1/referrals/pupil", body(programme, consent_given_on=None))
    referral = Referral.objects.get()
    response = client.post(f"/api/v1/referrals/{referral.uuid}/submit")
    assert response.status_code == 422
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.DRAFT


def test_another_school_s_referral_does_not_exist_for_the_caller(setup):
    _user, _school, _programme, client = setup
    foreign = ReferralFactory()
    assert client.get(f"/api/v1/referrals/{foreign.uuid}").status_code == 404
    assert client.post(f"/api/v1/referrals/{foreign.uuid}/submit").status_code == 404
    response = post(client, f"/api/v1/referrals/{foreign.uuid}/withdraw", {"reason": ""})
    assert response.status_code == 404
    foreign.refresh_from_db()
    assert foreign.status == ReferralStatus.SUBMITTED
    # Nor a pupil of another school.
    response = post(
        client, "/api/v1/referrals/pupil", body(_programme, pupil=str(foreign.pupil.uuid))
    )
    assert response.status_code == 404


def test_a_read_token_cannot_create(setup):
    user, _school, programme, _client = setup
    _token, key = token_for(user, scopes=[ApiScope.REFERRALS_READ])
    assert post(api(key), "/api/v1/referrals/pupil", body(programme)).status_code == 403
    assert not Referral.objects.exists()


def test_the_referral_list_is_cursor_paginated_with_constant_queries(setup):
    _user, school, programme, client = setup
    made = [
        ReferralFactory(pupil=PupilFactory(school=school), programme=programme) for _ in range(9)
    ]
    seen, cursor, counts = [], None, []
    while True:
        params = {"limit": 3, **({"cursor": cursor} if cursor else {})}
        with CaptureQueriesContext(connection) as queries:
            page = client.get("/api/v1/referrals", params).json()
        counts.append(len(queries))
        seen += [row["uuid"] for row in page["items"]]
        cursor = page["next_cursor"]
        if not cursor:
            break
    assert sorted(seen) == sorted(str(r.uuid) for r in made) and len(seen) == 9
    # Every page costs the same, the first and the deepest alike.
    assert len(counts) == 3 and len(set(counts)) == 1, counts
    assert client.get("/api/v1/referrals", {"cursor": "nonsense!"}).status_code == 422
    assert client.get("/api/v1/referrals", {"limit": 0}).status_code == 422


def test_the_programme_s_queue_oldest_first_audited_and_scoped():
    from buddywerk.access.models import Role
    from tests.factories import UserFactory, member

    programme = ProgrammeFactory()
    coordinator = member(UserFactory(), programme, Role.PROGRAMME_COORDINATOR)
    first = ReferralFactory(programme=programme)
    second = ReferralFactory(programme=programme, status=ReferralStatus.WAITING)
    ReferralFactory(programme=programme, draft=True)  # a draft is not in the queue
    ReferralFactory()  # another programme's
    _token, key = token_for(coordinator)
    page = api(key).get("/api/v1/queue").json()
    assert [row["uuid"] for row in page["items"]] == [str(first.uuid), str(second.uuid)]
    views = AuditEvent.objects.filter(action=AuditAction.VIEW, actor=coordinator)
    assert views.count() == 2
    waiting = api(key).get("/api/v1/queue", {"status": "waiting"}).json()
    assert [row["uuid"] for row in waiting["items"]] == [str(second.uuid)]
    assert api(key).get("/api/v1/queue", {"status": "draft"}).status_code == 422
    second_page = api(key).get("/api/v1/queue", {"limit": 1}).json()
    rest = api(key).get("/api/v1/queue", {"limit": 1, "cursor": second_page["next_cursor"]})
    assert [row["uuid"] for row in rest.json()["items"]] == [str(second.uuid)]


def test_every_read_has_an_etag_lists_and_open_data_included(setup):
    _user, school, programme, client = setup
    ReferralFactory(pupil=PupilFactory(school=school), programme=programme)
    for url in ("/api/v1/referrals", "/api/v1/programmes?q=2800"):
        first = client.get(url)
        assert first.status_code == 200 and first["ETag"]
        again = client.get(url, headers={"If-None-Match": first["ETag"]})
        assert again.status_code == 304 and again["ETag"] == first["ETag"]
    before = client.get("/api/v1/referrals")["ETag"]
    ReferralFactory(pupil=PupilFactory(school=school), programme=programme)
    after = client.get("/api/v1/referrals", headers={"If-None-Match": before})
    assert after.status_code == 200 and after["ETag"] != before
