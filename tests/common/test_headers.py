"""Security headers, cookies and the error pages (issue 2, points 3 and 6)."""

import pytest
from django.test import Client

import buddywerk.settings as production_settings
from buddywerk.access.models import Role
from buddywerk.organisations.models import OrganisationKind
from tests.common.auth import main_text, post_login
from tests.common.failing_urls import SECRET_DETAIL
from tests.factories import (
    OrganisationFactory,
    PupilFactory,
    SchoolFactory,
    UserFactory,
    member,
)


@pytest.fixture
def people():
    school = SchoolFactory()
    umbrella = OrganisationFactory(kind=OrganisationKind.UMBRELLA)
    return {
        "staff": member(UserFactory(email="staff@example.org"), school, Role.SCHOOL_STAFF),
        "admin": member(
            UserFactory(email="admin@example.org", is_staff=True), umbrella, Role.PLATFORM_ADMIN
        ),
        "funder": member(
            UserFactory(email="funder@example.org"),
            OrganisationFactory(kind=OrganisationKind.FUNDER),
            Role.FUNDER,
        ),
        "pupil": PupilFactory(school=school),
    }


def _client(user=None) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def _assert_csp(response) -> None:
    policy = response.headers.get("Content-Security-Policy", "")
    assert "default-src 'self'" in policy
    assert "script-src 'self'" in policy  # plus a nonce when the page has a script
    assert "frame-ancestors 'none'" in policy
    assert "unsafe-inline" not in policy


ANONYMOUS_PAGES = ["/", "/accounts/login/", "/accounts/password/reset/", "/privacy/"]


@pytest.mark.django_db
@pytest.mark.parametrize("path", ANONYMOUS_PAGES)
def test_public_html_pages_have_a_csp(path):
    response = _client().get(path)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/html")
    _assert_csp(response)


@pytest.mark.django_db
def test_signed_in_pages_have_a_csp_and_are_never_stored(people):
    pupil = people["pupil"]
    pages = {
        people["staff"]: [
            "/",
            "/pupils/",
            f"/pupils/{pupil.uuid}/",
            "/accounts/email/",
            "/accounts/2fa/",
            "/privacy/",
        ],
        people["admin"]: [
            "/admin/",
            "/admin/referrals/pupil/",
            f"/admin/referrals/pupil/{pupil.pk}/change/",
            "/admin/common/auditevent/",
        ],
        people["funder"]: ["/"],
    }
    for user, paths in pages.items():
        client = _client(user)
        for path in paths:
            response = client.get(path)
            assert response.status_code == 200, path
            _assert_csp(response)
            assert "no-store" in response["Cache-Control"], path


@pytest.mark.django_db
def test_error_pages_of_a_signed_in_user_have_a_csp_and_no_store(people):
    client = _client(people["funder"])
    for path, status in [("/pupils/", 403), ("/no-such-page/", 404)]:
        response = client.get(path)
        assert response.status_code == status
        _assert_csp(response)
        assert "no-store" in response["Cache-Control"]


@pytest.mark.django_db
def test_login_sets_secure_httponly_session_and_csrf_cookies():
    UserFactory(email="ann@example.org")
    client = Client()
    page = client.get("/accounts/login/")
    csrf = page.cookies["csrftoken"]
    assert csrf["secure"] is True
    assert csrf["httponly"] is True
    response = post_login(client, "ann@example.org")
    session = response.cookies["sessionid"]
    assert session["secure"] is True
    assert session["httponly"] is True
    assert session["samesite"] == "Lax"
    # The production settings module, not only the values in this test run.
    assert production_settings.SESSION_COOKIE_SECURE is True
    assert production_settings.CSRF_COOKIE_SECURE is True
    assert production_settings.SESSION_COOKIE_HTTPONLY is True
    assert production_settings.CSRF_COOKIE_HTTPONLY is True


@pytest.mark.django_db
@pytest.mark.urls("tests.common.failing_urls")
def test_an_exception_gives_the_dutch_500_page_without_a_trace(settings):
    settings.DEBUG = False
    client = Client(raise_request_exception=False)
    response = client.get("/test-failure/")
    assert response.status_code == 500
    html = response.content.decode()
    assert "Er ging iets mis" in html
    assert '<html lang="nl-BE">' in html
    assert SECRET_DETAIL not in html
    assert "Traceback" not in html
    assert "RuntimeError" not in html
    assert "failing_urls" not in html
    _assert_csp(response)
    assert response["X-Request-ID"]


@pytest.mark.django_db
def test_403_page_is_dutch(people):
    response = _client(people["funder"]).get("/pupils/")
    assert response.status_code == 403
    text = main_text(response)
    assert "Je hebt geen toegang tot deze pagina" in text
    assert "Vraag het aan je coördinator" in text


@pytest.mark.django_db
def test_404_page_is_dutch_for_everyone(people):
    for client in (_client(), _client(people["staff"])):
        response = client.get("/no-such-page/")
        assert response.status_code == 404
        assert "We vinden deze pagina niet" in main_text(response)
        assert 'lang="nl-be"' in response.content.decode()


@pytest.mark.django_db
def test_error_pages_follow_the_chosen_language(people):
    client = _client(people["funder"])
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    assert "You have no access to this page" in main_text(client.get("/pupils/"))
    assert "We cannot find this page" in main_text(client.get("/no-such-page/"))


@pytest.mark.django_db  # the autouse cache fixture uses the database cache
def test_debug_is_off_unless_asked_for():
    assert production_settings.DEBUG is False
