"""Two-factor authentication: required before personal data for staff, coordinators and
platform admins, and before the figures for the funder (issue 11, point 9); offered to
buddies (issue 2, point 3)."""

import re

import pytest
from allauth.mfa.models import Authenticator
from django.test import Client

from buddywerk.access.models import Role
from tests.common.auth import is_signed_in, main_text, post_login, totp_code, user_with_role
from tests.factories import (
    TEST_TOTP_SECRET,
    PupilFactory,
    SchoolFactory,
    enrol_totp,
)

SETUP_URL = "/accounts/2fa/totp/activate/?required=1"


def _signed_in(email: str) -> Client:
    """Sign in through allauth's real page (so the session records the password login)."""
    client = Client()
    response = post_login(client, email)
    assert response.status_code == 302, main_text(response)
    assert is_signed_in(client)
    return client


MFA_ROLES = [
    Role.SCHOOL_STAFF,
    Role.PROGRAMME_COORDINATOR,
    Role.REGIONAL_COORDINATOR,
    Role.FUNDER,
    Role.CITY_STAFF,
    Role.PLATFORM_ADMIN,
    Role.INTERNSHIP_SUPERVISOR,
    # Issue 20: staff of a service read the families they referred.
    Role.SERVICE_STAFF,
]


@pytest.mark.django_db
@pytest.mark.parametrize("role", MFA_ROLES)
def test_roles_with_personal_data_are_sent_to_the_set_up_on_every_page(role):
    user = user_with_role(role, "staff@example.org")
    pupil = PupilFactory(school=SchoolFactory())
    client = _signed_in(user.email)
    for path in ["/", "/pupils/", f"/pupils/{pupil.uuid}/", "/admin/", "/admin/referrals/pupil/"]:
        response = client.get(path)
        assert response.status_code == 302, path
        assert response["Location"] == SETUP_URL, path
    # The set-up itself opens straight away (no second password prompt right after login).
    response = client.get(SETUP_URL)
    assert response.status_code == 200
    text = main_text(response)
    assert "Stel aanmelden in twee stappen in" in text
    assert "persoonsgegevens van, of cijfers over, leerlingen en gezinnen" in text


@pytest.mark.django_db
def test_enrolling_totp_with_recovery_codes_opens_the_pages():
    user = user_with_role(Role.SCHOOL_STAFF, "staff@example.org")
    pupil = PupilFactory(school=user.test_organisation)
    client = _signed_in(user.email)
    page = client.get(SETUP_URL)
    secret = re.search(r'id="authenticator_secret"[^>]*value="([A-Z2-7]+)"', page.content.decode())
    if secret is None:
        secret = re.search(r'value="([A-Z2-7]{16,})"', page.content.decode())
    assert secret, page.content.decode()

    # A wrong code is refused in Dutch, and nothing is enrolled.
    response = client.post("/accounts/2fa/totp/activate/", {"code": "000000"})
    assert response.status_code == 200
    assert "Ongeldige code" in main_text(response)
    assert not Authenticator.objects.filter(user=user).exists()

    response = client.post("/accounts/2fa/totp/activate/", {"code": totp_code(secret.group(1))})
    assert response.status_code == 302
    assert response["Location"] == "/accounts/2fa/recovery-codes/"
    types = set(Authenticator.objects.filter(user=user).values_list("type", flat=True))
    assert types == {Authenticator.Type.TOTP, Authenticator.Type.RECOVERY_CODES}
    codes = client.get("/accounts/2fa/recovery-codes/")
    assert codes.status_code == 200
    assert "Ga verder naar Buddywerk" in main_text(codes)

    assert client.get("/").status_code == 200
    assert client.get(f"/pupils/{pupil.uuid}/").status_code == 200


@pytest.mark.django_db
def test_login_of_an_enrolled_user_asks_for_the_code():
    user = user_with_role(Role.PROGRAMME_COORDINATOR, "coordinator@example.org")
    enrol_totp(user)
    client = Client()
    response = post_login(client, user.email)
    assert response.status_code == 302
    assert response["Location"] == "/accounts/2fa/authenticate/"
    assert not is_signed_in(client)
    # Nothing with personal data until the code is given.
    assert client.get("/pupils/")["Location"].startswith("/accounts/login/")

    page = client.get("/accounts/2fa/authenticate/")
    assert "Twee-factor-authenticatie" in main_text(page)
    response = client.post("/accounts/2fa/authenticate/", {"code": "123456"})
    assert response.status_code == 200
    assert not is_signed_in(client)

    response = client.post("/accounts/2fa/authenticate/", {"code": totp_code(TEST_TOTP_SECRET)})
    assert response.status_code == 302
    assert response["Location"] == "/"
    assert is_signed_in(client)
    assert client.get("/pupils/").status_code == 200


@pytest.mark.django_db
def test_buddies_are_not_forced():
    user = user_with_role(Role.BUDDY, "person@example.org")
    client = _signed_in(user.email)
    response = client.get("/")
    assert response.status_code == 200
    assert client.get("/accounts/2fa/").status_code == 200


@pytest.mark.django_db
def test_buddies_are_offered_two_factor_on_their_home_panel():
    user = user_with_role(Role.BUDDY, "buddy@example.org")
    client = _signed_in(user.email)
    html = client.get("/").content.decode()
    assert "Stel aanmelden in twee stappen in" in html
    assert 'href="/accounts/2fa/"' in html
    # Once enrolled, the hint is gone.
    enrol_totp(user)
    html = client.get("/").content.decode()
    assert 'href="/accounts/2fa/"' not in html


@pytest.mark.django_db
def test_the_funder_signs_in_with_a_code_before_the_report():
    """Issue 11, point 9: the funder sees figures about every child, so a funder without
    2FA is sent to the set-up (the report and its exports included), and an enrolled
    funder is asked for the code at sign-in."""
    user = user_with_role(Role.FUNDER, "funder@example.org")
    client = _signed_in(user.email)
    for path in ["/reports/", "/reports/export.xlsx"]:
        response = client.get(path)
        assert response.status_code == 302, path
        assert response["Location"] == SETUP_URL, path
    enrol_totp(user)
    client = Client()
    response = post_login(client, user.email)
    assert response["Location"] == "/accounts/2fa/authenticate/"
    assert not is_signed_in(client)
    client.post("/accounts/2fa/authenticate/", {"code": totp_code(TEST_TOTP_SECRET)})
    assert is_signed_in(client)
    assert client.get("/reports/").status_code == 200


@pytest.mark.django_db
@pytest.mark.parametrize(
    "path",
    [
        "/accounts/2fa/",
        "/accounts/2fa/totp/activate/",
        "/accounts/email/",
        "/accounts/password/change/",
    ],
)
def test_account_pages_render_inside_our_layout(path):
    user = user_with_role(Role.BUDDY, "buddy@example.org")
    response = _signed_in(user.email).get(path)
    assert response.status_code == 200
    html = response.content.decode()
    assert '<html lang="nl-be">' in html
    assert 'class="navbar-brand' in html  # our navigation
    assert '<main id="main"' in html
    assert "Privacy" in html  # our footer
    assert "Content-Security-Policy" in response.headers
    assert "<h1>" in html or "<h1 " in html


@pytest.mark.django_db
def test_mfa_pages_render_inside_our_layout_for_enrolled_users():
    user = user_with_role(Role.SCHOOL_STAFF, "staff@example.org")
    enrol_totp(user)
    client = Client()
    post_login(client, user.email)
    page = client.get("/accounts/2fa/authenticate/")
    assert 'class="navbar-brand' in page.content.decode()
    client.post("/accounts/2fa/authenticate/", {"code": totp_code()})
    page = client.get("/accounts/2fa/")
    assert page.status_code == 200
    assert 'class="navbar-brand' in page.content.decode()


@pytest.mark.django_db
def test_every_demo_account_that_needs_2fa_has_the_demo_secret():
    """`uv run buddywerk demo` keeps working: the demo funder (like the other staff) has
    TOTP pre-enrolled with the demo secret, and signs in with its code."""
    from buddywerk.access.models import User
    from buddywerk.access.policy import requires_mfa
    from buddywerk.demo.world import ACCOUNTS, DEMO_PASSWORD, DEMO_TOTP_SECRET, build_world

    build_world()
    for account in ACCOUNTS:
        user = User.objects.get(email=account.email)
        assert requires_mfa(user) == (account.role in MFA_ROLES)
        if requires_mfa(user):
            assert Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists(), (
                account.email
            )
    funder = next(a for a in ACCOUNTS if a.role == Role.FUNDER)
    client = Client()
    response = post_login(client, funder.email, DEMO_PASSWORD)
    assert response["Location"] == "/accounts/2fa/authenticate/"
    client.post("/accounts/2fa/authenticate/", {"code": totp_code(DEMO_TOTP_SECRET)})
    assert is_signed_in(client)
    assert client.get("/reports/").status_code == 200
