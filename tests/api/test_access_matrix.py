"""The API's access matrix (issue 18, point 5): every operation, as every staff role's token
and without one, with the expected status; an operation without a row fails the test.
Each call runs in a savepoint that is rolled back, so no call changes what the next finds.
(The session-based matrix, tests/access/matrix/api.py, shows that a signed-in browser
session grants nothing here.)"""

import json

import pytest
from django.db import transaction
from django.test import Client
from django.utils import timezone

from buddywerk.api.api import api_v1
from buddywerk.referrals.models import school_year_start
from tests.api.roles import TOKEN_ROLES, token_world

pytestmark = pytest.mark.django_db


def _pupil_body(world):
    return {
        "programme": str(world["programme"].uuid),
        "first_name": "Amira",
        "last_name": "Peeters",
        "school_year": 6,
        "birth_year": school_year_start() - 11,
        "needs": ["maths"],
        "criteria": ["motivated"],
        "meeting_modes": ["school"],
        "time_slots": ["mon-pm"],
        "complexity": "normal",
        "consent_given_on": timezone.localdate().isoformat(),
        "consent_given_by": "moeder",
        "consent_giver": "parent",
        "consent_method": "paper",
    }


def _family_body(world):
    return {
        "programme": str(world["family_programme"].uuid),
        "contact_name": "Familie Haddad",
        "household_size": 5,
        "children_ages": [4, 9],
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


def _meeting_body(world):
    return {
        "date": timezone.localdate().isoformat(),
        "status": "happened",
        "duration_minutes": 50,
        "note": "",
        "note_visibility": "private",
    }


def _subscription(world):
    """The school's webhook (made inside the call's rolled-back savepoint, or the one made
    before it when a test asks for the path twice)."""
    from buddywerk.access.models import Membership, Role
    from buddywerk.api.models import WebhookSubscription
    from buddywerk.api.webhook_services import webhook_subscribe

    school = world["referral"].referrer
    existing = WebhookSubscription.objects.filter(organisation=school, revoked_at=None).first()
    if existing is not None:
        return existing
    staff = Membership.objects.get(organisation=school, role=Role.SCHOOL_STAFF).user
    return webhook_subscribe(actor=staff, organisation=school, url="https://127.0.0.1/hook")[0]


def expect(default, **per_role):
    return {role: per_role.get(role, default) for role in TOKEN_ROLES}


# operation id -> (method, path from the world, body from the world, expected per role)
MATRIX = {
    "programme_find": ("get", lambda w: "/api/v1/programmes?q=2800", None, expect(200)),
    "programme_get": (
        "get",
        lambda w: f"/api/v1/programmes/{w['programme'].uuid}",
        None,
        expect(200),
    ),
    "practice_search": ("get", lambda w: "/api/v1/practices?q=buddy", None, expect(200)),
    "practice_get": (
        "get",
        lambda w: f"/api/v1/practices/{w['practice'].uuid}",
        None,
        expect(200),
    ),
    # The referrer's list: school staff and platform admins (as the page).
    "referral_list": (
        "get",
        lambda w: "/api/v1/referrals",
        None,
        expect(403, none=401, school_staff=200, platform_admin=200),
    ),
    # The programme's queue: its coordinators and platform admins (as the page).
    "referral_queue": (
        "get",
        lambda w: "/api/v1/queue",
        None,
        expect(403, none=401, programme_coordinator=200, platform_admin=200),
    ),
    # A submitted referral: its school, its programme and admins; others do not see it.
    "referral_get": (
        "get",
        lambda w: f"/api/v1/referrals/{w['referral'].uuid}",
        None,
        expect(404, none=401, school_staff=200, programme_coordinator=200, platform_admin=200),
    ),
    # Only a school refers a pupil (R4).
    "referral_create_pupil": (
        "post",
        lambda w: "/api/v1/referrals/pupil",
        _pupil_body,
        expect(403, none=401, school_staff=201),
    ),
    # A draft exists for its school (and admins, who may not submit it) only.
    "referral_submit": (
        "post",
        lambda w: f"/api/v1/referrals/{w['draft'].uuid}/submit",
        None,
        expect(404, none=401, school_staff=200, platform_admin=403),
    ),
    # The programme sees the referral but only the school withdraws it.
    "referral_withdraw": (
        "post",
        lambda w: f"/api/v1/referrals/{w['referral'].uuid}/withdraw",
        lambda w: {"reason": ""},
        expect(404, none=401, school_staff=200, programme_coordinator=403, platform_admin=403),
    ),
    # Schools and services refer families too [004]; other roles have no referrer.
    "referral_create_family": (
        "post",
        lambda w: "/api/v1/referrals/family",
        _family_body,
        expect(403, none=401, school_staff=201),
    ),
    # The duo list: those who work in duos (buddies hold no token), as the page.
    "duo_list": (
        "get",
        lambda w: "/api/v1/duos",
        None,
        expect(403, none=401, school_staff=200, programme_coordinator=200, platform_admin=200),
    ),
    # A duo's meetings: its school, its programme and admins; region and funder see no duo.
    "meeting_list": (
        "get",
        lambda w: f"/api/v1/duos/{w['duo'].uuid}/meetings",
        None,
        expect(403, none=401, school_staff=200, programme_coordinator=200, platform_admin=200),
    ),
    # Logging a meeting: policy.can_log_meeting (the buddy, who has no token, or the
    # programme's coordinator); the school and admins see the duo but may not; others do
    # not see it.
    "meeting_create": (
        "post",
        lambda w: f"/api/v1/duos/{w['duo'].uuid}/meetings",
        _meeting_body,
        expect(404, none=401, school_staff=403, programme_coordinator=201, platform_admin=403),
    ),
    # The programme's buddies: its coordinators, as the screening pages.
    "programme_buddies": (
        "get",
        lambda w: f"/api/v1/programmes/{w['programme'].uuid}/buddies",
        None,
        expect(403, none=401, programme_coordinator=200),
    ),
    # Proposing: the coordinators of a programme (R9).
    "proposal_create": (
        "post",
        lambda w: "/api/v1/proposals",
        lambda w: {"referral": str(w["queued"].uuid), "buddy": str(w["free_buddy"].uuid)},
        expect(403, none=401, programme_coordinator=201),
    ),
    # A proposal: its programme, the referring school and admins.
    "proposal_get": (
        "get",
        lambda w: f"/api/v1/proposals/{w['proposal'].uuid}",
        None,
        expect(404, none=401, school_staff=200, programme_coordinator=200, platform_admin=200),
    ),
    # The funder's figures at province level: open data, for anyone.
    "figures_open": ("get", lambda w: "/api/v1/figures?area=province:VAN", None, expect(200)),
    # A programme's figures: who may open its report (the funder in bands of five); the
    # programme lies in no province of the regional coordinator.
    "programme_figures": (
        "get",
        lambda w: f"/api/v1/programmes/{w['programme'].uuid}/figures",
        None,
        expect(
            403,
            none=401,
            programme_coordinator=200,
            regional_coordinator=404,
            funder=200,
            platform_admin=200,
        ),
    ),
    # Webhooks: staff of a school or service only; another's subscription does not exist.
    "webhook_list": (
        "get",
        lambda w: "/api/v1/webhooks",
        None,
        expect(403, none=401, school_staff=200),
    ),
    "webhook_subscribe": (
        "post",
        lambda w: "/api/v1/webhooks",
        lambda w: {"url": "https://127.0.0.1/hook"},
        expect(403, none=401, school_staff=201),
    ),
    "webhook_get": (
        "get",
        lambda w: f"/api/v1/webhooks/{_subscription(w).uuid}",
        None,
        expect(404, none=401, school_staff=200),
    ),
    "webhook_unsubscribe": (
        "post",
        lambda w: f"/api/v1/webhooks/{_subscription(w).uuid}/unsubscribe",
        None,
        expect(404, none=401, school_staff=200),
    ),
    "webhook_deliveries": (
        "get",
        lambda w: f"/api/v1/webhooks/{_subscription(w).uuid}/deliveries",
        None,
        expect(404, none=401, school_staff=200),
    ),
}


def _operation_ids():
    schema = api_v1.get_openapi_schema()
    return sorted(
        operation["operationId"] for item in schema["paths"].values() for operation in item.values()
    )


def test_every_operation_has_a_row_for_every_role():
    assert sorted(MATRIX) == _operation_ids(), "declare every API operation in MATRIX"
    for name, (_method, _path, _body, expected) in MATRIX.items():
        assert set(expected) == set(TOKEN_ROLES), f"{name}: declare every role"


@pytest.fixture(autouse=True)
def _generous_rate_limit(settings):
    settings.API_TOKEN_RATE_LIMIT = "1000/m"


@pytest.mark.parametrize("name", sorted(MATRIX))
def test_api_access_matrix(name):
    world = token_world()
    method, path, body, expected = MATRIX[name]
    mismatches = []
    for role in TOKEN_ROLES:
        key = world["keys"][role]
        client = Client(headers={"Authorization": f"Bearer {key}"} if key else {})
        with transaction.atomic():
            if method == "get":
                response = client.get(path(world))
            else:
                data = json.dumps(body(world)) if body else ""
                response = client.post(path(world), data, content_type="application/json")
            transaction.set_rollback(True)
        if response.status_code != expected[role]:
            mismatches.append(f"as {role}: expected {expected[role]}, got {response.status_code}")
    assert not mismatches, f"{method.upper()} {name}\n" + "\n".join(mismatches)
