"""The demo prints a school's API token (issue 18, "Done when"): a real token made by the
token service, which creates a referral as the README's `curl` example does."""

import io
import json

import pytest
from django.test import Client
from django.utils import timezone

from buddywerk.api.models import ApiToken
from buddywerk.demo.management.commands.demo import Command
from buddywerk.demo.steps.api_token import TOKEN_NAME, api_token
from buddywerk.demo.world import build_world
from buddywerk.referrals.models import Referral, ReferralStatus, school_year_start

pytestmark = pytest.mark.django_db


def _referral(programme: str) -> dict:
    """The README's example body."""
    return {
        "programme": programme,
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
    }


def test_the_demo_token_creates_a_referral_and_the_next_start_revokes_it():
    build_world()
    out = io.StringIO()
    Command(stdout=out)._print_api_token(8000)
    printed = out.getvalue()
    email, key = next(
        (line.split()[3], line.rsplit(" ", 1)[1])
        for line in printed.splitlines()
        if line.startswith("API token of")
    )
    assert key.startswith("bw_") and email == "zorg.ursulinen@demo.buddywerk.be"
    stored = ApiToken.objects.get(name=TOKEN_NAME, revoked_at__isnull=True)
    assert key not in {stored.key_hash, stored.prefix}  # only the hash is stored
    programme = next(
        line.rsplit(" ", 1)[1]
        for line in printed.splitlines()
        if line.startswith("Programme Buddy Mechelen")
    )
    client = Client(headers={"Authorization": f"Bearer {key}"})
    made = client.post(
        "/api/v1/referrals/pupil", json.dumps(_referral(programme)), content_type="application/json"
    )
    assert made.status_code == 201, made.content
    referral = Referral.objects.get(uuid=made.json()["uuid"])
    assert referral.status == ReferralStatus.DRAFT
    assert referral.referrer.name == "Basisschool Ursulinen Mechelen"
    # The open data needs no token.
    assert Client().get("/api/v1/programmes", {"q": "2800"}).status_code == 200

    # The next start prints a new token; the earlier one no longer works.
    _email, second, _programme = api_token()
    assert second != key
    assert client.get("/api/v1/referrals").status_code == 401
    assert (
        Client(headers={"Authorization": f"Bearer {second}"}).get("/api/v1/referrals").status_code
        == 200
    )
