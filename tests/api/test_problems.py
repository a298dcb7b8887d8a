"""Point 4 of issue 18: every error is application/problem+json (RFC 9457), in Dutch or
English per Accept-Language, with field errors listed; out of scope is 404, never 403."""

import json

import pytest

from buddywerk.api.models import ApiScope
from tests.api.helpers import api, school_staff, token_for
from tests.factories import ReferralFactory

pytestmark = pytest.mark.django_db

MISSING = "/api/v1/referrals/00000000-0000-4000-8000-000000000000"


def _problem(response, status):
    assert response.status_code == status
    assert response["Content-Type"] == "application/problem+json"
    body = response.json()
    assert body["type"] == "about:blank" and body["status"] == status
    assert body["title"] and body["detail"] and body["instance"] == response.request["PATH_INFO"]
    return body


@pytest.fixture
def key():
    user, _school = school_staff()
    return token_for(user, scopes=[ApiScope.REFERRALS_READ, ApiScope.REFERRALS_WRITE])[1]


def test_401_is_a_problem_with_a_bearer_challenge():
    response = api().get("/api/v1/referrals")
    _problem(response, 401)
    assert response["WWW-Authenticate"].startswith("Bearer")


def test_dutch_by_default_and_english_on_request(key):
    dutch = _problem(api(key).get(MISSING), 404)
    english = _problem(api(key, **{"Accept-Language": "en"}).get(MISSING), 404)
    assert dutch["title"] == "Niet gevonden"
    assert english["title"] == "Not found"
    assert api(key, **{"Accept-Language": "en"}).get(MISSING)["Content-Language"] == "en"


def test_out_of_scope_answers_exactly_as_nonexistent(key):
    foreign = ReferralFactory()
    out_of_scope = _problem(api(key).get(f"/api/v1/referrals/{foreign.uuid}"), 404)
    nonexistent = _problem(api(key).get(MISSING), 404)
    assert {k: v for k, v in out_of_scope.items() if k != "instance"} == {
        k: v for k, v in nonexistent.items() if k != "instance"
    }


def test_field_errors_are_listed_in_the_caller_s_language(key):
    response = api(key, **{"Accept-Language": "nl"}).post(
        "/api/v1/referrals/pupil", json.dumps({"first_name": 5}), content_type="application/json"
    )
    body = _problem(response, 422)
    fields = {error["field"]: error["detail"] for error in body["errors"]}
    assert fields["programme"] == "Dit veld is verplicht."
    assert "last_name" in fields and "first_name" in fields
    english = api(key, **{"Accept-Language": "en"}).post(
        "/api/v1/referrals/pupil", json.dumps({}), content_type="application/json"
    )
    assert {e["detail"] for e in _problem(english, 422)["errors"]} == {"This field is required."}


def test_a_form_s_message_comes_through_and_bad_json_is_a_problem(key):
    response = api(key).get("/api/v1/programmes", {"q": "9999"})
    body = _problem(api().get("/api/v1/programmes", {"q": "9999"}), 422)
    assert body["errors"][0]["field"] == "q" and "9999" in body["errors"][0]["detail"]
    assert response.status_code == 422
    broken = api(key).post("/api/v1/referrals/pupil", "{", content_type="application/json")
    _problem(broken, 400)


def test_scope_conflict_and_rate_limit_are_problems(key, settings):
    user, _school = school_staff()
    write_only = token_for(user, scopes=[ApiScope.REFERRALS_WRITE])[1]
    _problem(api(write_only).get("/api/v1/referrals"), 403)
    settings.API_TOKEN_RATE_LIMIT = "1/m"
    api(key).get("/api/v1/referrals")
    limited = api(key).get("/api/v1/referrals")
    _problem(limited, 429)
    assert limited["Retry-After"]


def test_an_unexpected_error_is_a_500_problem(key, monkeypatch):
    def broken(**kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr("buddywerk.referrals.selectors.referral_list_for_referrer", broken)
    response = api(key).get("/api/v1/referrals")
    body = _problem(response, 500)
    assert "boom" not in json.dumps(body)


def test_the_openapi_document_declares_problem_responses():
    from buddywerk.api.api import api_v1

    schema = api_v1.get_openapi_schema()
    for path, item in schema["paths"].items():
        for method, operation in item.items():
            for status, response in operation["responses"].items():
                if int(status) >= 400:
                    assert list(response["content"]) == ["application/problem+json"], (
                        path,
                        method,
                        status,
                    )


def test_an_unknown_path_and_a_wrong_method_are_problems_too(key):
    _problem(api().get("/api/v1/"), 404)
    body = _problem(api(key).get("/api/v1/no-such-thing"), 404)
    assert body["title"] == "Niet gevonden"
    response = api(key).delete("/api/v1/referrals")
    _problem(response, 405)
    assert "GET" in response["Allow"]
