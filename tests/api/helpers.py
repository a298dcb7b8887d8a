"""Tokens for API tests, made through the service as the profile page makes them."""

import datetime as dt

from django.test import Client
from django.utils import timezone

from buddywerk.access.models import Role
from buddywerk.api.models import ApiScope
from buddywerk.api.services import api_token_create
from tests.factories import SchoolFactory, UserFactory, member


def school_staff(school=None):
    school = school or SchoolFactory()
    return member(UserFactory(), school, Role.SCHOOL_STAFF), school


def token_for(user, scopes=(ApiScope.REFERRALS_READ,), **kwargs):
    kwargs.setdefault("expires_on", timezone.localdate() + dt.timedelta(days=30))
    kwargs.setdefault("allowed_ips", [])
    token, key = api_token_create(actor=user, name="Smartschool", scopes=list(scopes), **kwargs)
    return token, key


def api(key=None, **headers) -> Client:
    """A client that sends `key` as a bearer token on every request."""
    if key:
        headers["Authorization"] = f"Bearer {key}"
    return Client(headers=headers)
