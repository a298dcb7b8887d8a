"""Point 2 of issue 18: personal API tokens. Made after 2FA by staff, shown once, stored
hashed, with scopes, an expiry of at most a year and an optional IP allow-list; revoking is
immediate; every call is audited as the page it mirrors; each token is rate-limited."""

import datetime as dt
import re

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.utils import timezone

from buddywerk.access.models import Role
from buddywerk.api.models import ApiScope, ApiToken
from buddywerk.api.services import api_token_create, api_token_revoke
from buddywerk.common.audit import AuditAction
from buddywerk.common.models import AuditEvent
from tests.api.helpers import api, school_staff, token_for
from tests.factories import (
    BuddyFactory,
    ProgrammeFactory,
    PupilFactory,
    ReferralFactory,
    SchoolFactory,
    UserFactory,
    member,
)

pytestmark = pytest.mark.django_db

URL = "/api/v1/referrals"


def _page_client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_staff_make_a_token_on_their_profile_page_shown_once_and_stored_hashed():
    user, _school = school_staff()
    client = _page_client(user)
    response = client.post(
        "/api/tokens/",
        {
            "name": "Smartschool",
            "scopes": [ApiScope.REFERRALS_READ],
            "expires_on": (timezone.localdate() + dt.timedelta(days=90)).isoformat(),
            "allowed_ips": "",
        },
    )
    assert response.status_code == 200
    key = re.search(r"bw_[A-Za-z0-9_-]{40,}", response.content.decode()).group(0)
    token = ApiToken.objects.get(user=user)
    assert key not in str(list(ApiToken.objects.values()))  # only its hash is stored
    assert token.key_hash != key and len(token.key_hash) == 64
    assert AuditEvent.objects.filter(action=AuditAction.API_TOKEN_CREATE, actor=user).exists()
    # Shown once: the page never shows it again.
    assert key not in client.get("/api/tokens/").content.decode()
    assert api(key).get(URL).status_code == 200


def test_an_expiry_beyond_a_year_is_refused_in_dutch_and_changes_nothing():
    user, _school = school_staff()
    response = _page_client(user).post(
        "/api/tokens/",
        {
            "name": "Smartschool",
            "scopes": [ApiScope.REFERRALS_READ],
            "expires_on": (timezone.localdate() + dt.timedelta(days=366)).isoformat(),
        },
    )
    assert response.status_code == 200
    # Issue 16, point 5: the form's plausible range (today to a year ahead) answers first.
    assert "Kies een datum tussen vandaag en" in response.content.decode()
    assert not ApiToken.objects.exists()


def test_a_bad_address_in_the_allow_list_is_refused():
    user, _school = school_staff()
    with pytest.raises(ValidationError):
        token_for(user, allowed_ips=["not-an-ip"])
    assert not ApiToken.objects.exists()


def test_buddies_and_staff_without_2fa_make_no_token():
    programme = ProgrammeFactory()
    buddy = BuddyFactory(programmes=[programme])
    member(buddy.user, programme, Role.BUDDY)
    assert _page_client(buddy.user).get("/api/tokens/").status_code == 403
    with pytest.raises(PermissionDenied):
        token_for(buddy.user)
    no_2fa = UserFactory()
    from buddywerk.access.models import Membership

    Membership.objects.create(user=no_2fa, organisation=SchoolFactory(), role=Role.SCHOOL_STAFF)
    with pytest.raises(PermissionDenied):
        token_for(no_2fa)


def test_no_token_a_wrong_token_or_a_revoked_one_gets_401_at_once():
    user, _school = school_staff()
    token, key = token_for(user)
    assert api().get(URL).status_code == 401
    assert api(key + "x").get(URL).status_code == 401
    assert api(key).get(URL).status_code == 200
    api_token_revoke(actor=user, token=token)
    assert api(key).get(URL).status_code == 401
    assert AuditEvent.objects.filter(action=AuditAction.API_TOKEN_REVOKE).count() == 1


def test_revoking_from_the_page_and_only_ones_own_token():
    user, _school = school_staff()
    other, _ = school_staff()
    token, key = token_for(user)
    assert _page_client(other).post(f"/api/tokens/{token.uuid}/revoke/").status_code == 404
    assert api(key).get(URL).status_code == 200
    response = _page_client(user).post(f"/api/tokens/{token.uuid}/revoke/")
    assert response.status_code == 302
    assert api(key).get(URL).status_code == 401


def test_an_expired_token_and_a_deactivated_owner_get_401():
    user, _school = school_staff()
    token, key = token_for(user)
    ApiToken.objects.filter(pk=token.pk).update(expires_at=timezone.now() - dt.timedelta(1))
    assert api(key).get(URL).status_code == 401
    other, _ = school_staff()
    _token, other_key = token_for(other)
    other.is_active = False
    other.save()
    assert api(other_key).get(URL).status_code == 401


def test_the_ip_allow_list_holds():
    user, _school = school_staff()
    _token, key = token_for(user, allowed_ips=["192.0.2.0/24"])
    assert api(key).get(URL, REMOTE_ADDR="198.51.100.7").status_code == 401
    assert api(key).get(URL, REMOTE_ADDR="192.0.2.10").status_code == 200


def test_a_token_without_the_scope_gets_403():
    user, _school = school_staff()
    _token, key = token_for(user, scopes=[ApiScope.REFERRALS_WRITE])
    assert api(key).get(URL).status_code == 403


def test_a_token_sees_its_owner_s_scope_only_and_every_child_shown_is_audited():
    user, school = school_staff()
    own = ReferralFactory(pupil=PupilFactory(school=school))
    ReferralFactory()  # another school's
    _token, key = token_for(user)
    response = api(key).get(URL)
    assert [row["uuid"] for row in response.json()["items"]] == [str(own.uuid)]
    assert "first_name" not in response.content.decode()
    views = AuditEvent.objects.filter(action=AuditAction.VIEW, actor=user)
    assert list(views.values_list("object_type", "object_id")) == [
        ("referrals.pupil", str(own.pupil.uuid))
    ]
    # Exactly as the page "Aanmeldingen" records it.
    assert views.get().detail == {"list": True, "referral": str(own.uuid)}


def test_each_token_is_rate_limited_with_retry_after(settings):
    settings.API_TOKEN_RATE_LIMIT = "2/m"
    user, _school = school_staff()
    _token, key = token_for(user)
    _other_token, other_key = token_for(user)
    assert api(key).get(URL).status_code == 200
    assert api(key).get(URL).status_code == 200
    refused = api(key).get(URL)
    assert refused.status_code == 429
    assert 1 <= int(refused["Retry-After"]) <= 60
    # The limit is per token.
    assert api(other_key).get(URL).status_code == 200


def test_the_open_data_needs_no_token():
    assert Client().get("/api/v1/programmes", {"q": "2800"}).status_code == 200


def test_the_service_refuses_a_token_for_someone_else():
    user, _school = school_staff()
    other, _ = school_staff()
    token, _key = token_for(user)
    with pytest.raises(PermissionDenied):
        api_token_revoke(actor=other, token=token)
    assert ApiToken.objects.get(pk=token.pk).revoked_at is None
    with pytest.raises(ValidationError):
        api_token_create(
            actor=user,
            name=" ",
            scopes=[],
            expires_on=timezone.localdate(),
            allowed_ips=[],
        )
