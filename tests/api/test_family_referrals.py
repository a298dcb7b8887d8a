"""Point 3 of issue 18: a service (or a school) refers a family through the API, with the
consent fields of the page's form; reads its status and history, submits and withdraws
it through the operations every referral shares. Scope, validation, idempotency."""

import json

import pytest
from django.utils import timezone

from buddywerk.access.models import Role
from buddywerk.api.models import ApiScope
from buddywerk.common.audit import AuditAction
from buddywerk.common.models import AuditEvent
from buddywerk.geo.models import Municipality
from buddywerk.organisations.models import OrganisationKind, ParticipantKind
from buddywerk.referrals.models import Family, Referral, ReferralStatus
from tests.api.helpers import api, token_for
from tests.factories import OrganisationFactory, ProgrammeFactory, UserFactory, member

pytestmark = pytest.mark.django_db

BOTH = (ApiScope.REFERRALS_READ, ApiScope.REFERRALS_WRITE)


def body(programme, **overrides):
    data = {
        "programme": str(programme.uuid),
        "contact_name": "Familie Haddad",
        "household_size": 5,
        "children_ages": [4, 9, 12],
        "postcode": "9000",
        "languages": ["ar"],
        "contact_language": "ar",
        "goals": ["network"],
        "meeting_modes": ["home"],
        "time_slots": ["wed-after"],
        "urgency": 2,
        "complexity": "normal",
        "consent_given_on": timezone.localdate().isoformat(),
        "consent_given_by": "het gezin",
        "consent_giver": "family",
        "consent_method": "paper",
    }
    data.update(overrides)
    return data


def post(client, url, data=None, **headers):
    return client.post(
        url,
        json.dumps(data) if data is not None else "",
        content_type="application/json",
        headers=headers,
    )


def service_worker():
    service = OrganisationFactory(kind=OrganisationKind.SERVICE)
    return member(UserFactory(), service, Role.SERVICE_STAFF), service


@pytest.fixture
def setup():
    worker, service = service_worker()
    programme = ProgrammeFactory(
        participant_kind=ParticipantKind.FAMILIES,
        municipalities=Municipality.objects.filter(nis_code="44021"),
    )
    return worker, service, programme, api(token_for(worker, scopes=BOTH)[1])


def test_a_service_refers_a_family_reads_submits_and_withdraws(setup):
    worker, service, programme, client = setup
    response = post(client, "/api/v1/referrals/family", body(programme))
    assert response.status_code == 201, response.content
    referral = Referral.objects.get()
    assert referral.status == ReferralStatus.DRAFT and referral.referrer_id == service.pk
    assert referral.family.children_ages == [4, 9, 12]
    assert (referral.consent_giver, referral.consent_method) == ("family", "paper")
    body_json = response.json()
    assert body_json["participant_kind"] == "family"
    assert "Haddad" not in response.content.decode()
    assert AuditEvent.objects.filter(action=AuditAction.FAMILY_CREATE, actor=worker).exists()

    assert post(client, f"/api/v1/referrals/{referral.uuid}/submit").status_code == 200
    response = client.get(f"/api/v1/referrals/{referral.uuid}")
    assert response.status_code == 200
    assert [h["to_status"] for h in response.json()["history"]] == ["submitted"]
    assert AuditEvent.objects.filter(
        action=AuditAction.VIEW, actor=worker, object_id=str(referral.family.uuid)
    ).exists()
    response = post(client, f"/api/v1/referrals/{referral.uuid}/withdraw", {"reason": "Verhuisd"})
    assert response.status_code == 200 and response.json()["status"] == "withdrawn"


def test_another_service_does_not_see_the_family_referral(setup):
    _worker, _service, programme, client = setup
    post(client, "/api/v1/referrals/family", body(programme))
    referral = Referral.objects.get()
    other, _ = service_worker()
    outsider = api(token_for(other, scopes=BOTH)[1])
    for response in (
        outsider.get(f"/api/v1/referrals/{referral.uuid}"),
        post(outsider, f"/api/v1/referrals/{referral.uuid}/submit"),
        post(outsider, f"/api/v1/referrals/{referral.uuid}/withdraw", {"reason": ""}),
    ):
        assert response.status_code == 404
        assert response["Content-Type"] == "application/problem+json"
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.DRAFT


def test_bad_family_input_gets_the_forms_errors_and_saves_nothing(setup):
    _worker, _service, programme, client = setup
    response = post(client, "/api/v1/referrals/family", body(programme, postcode="9999"))
    assert response.status_code == 422
    assert response["Content-Type"] == "application/problem+json"
    assert [e["field"] for e in response.json()["errors"]] == ["postcode"]
    assert "9999" in response.json()["errors"][0]["detail"]
    response = post(client, "/api/v1/referrals/family", {"programme": str(programme.uuid)})
    assert response.status_code == 422
    assert {e["field"] for e in response.json()["errors"]} >= {"contact_name", "postcode"}
    # A pupil programme is not a choice for a family.
    response = post(client, "/api/v1/referrals/family", body(ProgrammeFactory()))
    assert response.status_code == 422
    assert not Family.objects.exists() and not Referral.objects.exists()


def test_a_retried_family_referral_with_the_same_key_creates_nothing(setup):
    _worker, _service, programme, client = setup
    first = post(client, "/api/v1/referrals/family", body(programme), **{"Idempotency-Key": "f"})
    again = post(client, "/api/v1/referrals/family", body(programme), **{"Idempotency-Key": "f"})
    assert first.status_code == again.status_code == 201
    assert first.json() == again.json()
    assert Referral.objects.count() == 1 and Family.objects.count() == 1


def test_family_referrals_need_the_write_scope(setup):
    worker, _service, programme, _client = setup
    reader = api(token_for(worker, scopes=[ApiScope.REFERRALS_READ])[1])
    assert post(reader, "/api/v1/referrals/family", body(programme)).status_code == 403
    assert not Referral.objects.exists()
