"""Accounts: email login, mandatory verification, reset by mail, argon2, throttling and bad
input on the sign-in pages (issue 2, point 3 and "Bad input")."""

import re
import time

import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth.hashers import Argon2PasswordHasher
from django.core import mail
from django.db import connection
from django.test import Client

import buddywerk.settings as production_settings
from buddywerk.access.models import User
from buddywerk.common import throttle
from tests.common.auth import LOGIN_URL, is_signed_in, main_text, post_login
from tests.factories import TEST_PASSWORD, UserFactory, enrol_totp

SITE = r"https://buddywerk\.test"


@pytest.fixture(autouse=True)
def _site_url(settings):
    """Links in mail are built on SITE_URL, never on the request's host."""
    settings.SITE_URL = "https://buddywerk.test"


NEW_PASSWORD = "Een-nieuw-wachtwoord-42"
WRONG_CREDENTIALS_NL = "Het door jou opgegeven e-mailadres en/of wachtwoord is niet correct."
THROTTLED_NL = "Te veel mislukte pogingen om aan te melden"
BAD_LINK_NL = "Deze link werkt niet meer"


@pytest.mark.django_db  # the autouse cache fixture uses the database cache
def test_argon2_is_the_first_password_hasher_in_production():
    hashers = production_settings.PASSWORD_HASHERS
    assert hashers[0] == "django.contrib.auth.hashers.Argon2PasswordHasher"
    # The library is installed, so the setting really hashes with argon2.
    encoded = Argon2PasswordHasher().encode("secret-password", Argon2PasswordHasher().salt())
    assert encoded.startswith("argon2$")
    assert Argon2PasswordHasher().verify("secret-password", encoded)


# --- Sign in ----------------------------------------------------------------------------


@pytest.mark.django_db
def test_login_with_email_and_password():
    user = UserFactory(email="ann@example.org")
    client = Client()
    response = post_login(client, "Ann@Example.org")
    assert response.status_code == 302
    assert response["Location"] == "/"
    assert client.session["_auth_user_id"] == str(user.pk)


@pytest.mark.django_db
def test_unverified_email_cannot_sign_in_until_confirmed(django_capture_on_commit_callbacks):
    user = UserFactory(email="new@example.org")
    EmailAddress.objects.filter(user=user).update(verified=False)
    client = Client()
    # allauth's mail goes through the outbox: sent after the commit.
    with django_capture_on_commit_callbacks(execute=True):
        response = post_login(client, "new@example.org")
    assert response["Location"] == "/accounts/confirm-email/"
    assert not is_signed_in(client)
    assert len(mail.outbox) == 1
    link = re.search(rf"{SITE}(/accounts/confirm-email/\S+/)", mail.outbox[0].body)
    assert link, mail.outbox[0].body
    # Personal pages stay closed.
    assert client.get("/pupils/")["Location"].startswith("/accounts/login/")

    response = client.post(link.group(1))
    assert EmailAddress.objects.get(user=user).verified
    assert response.status_code == 302
    assert is_signed_in(client)


# --- Password reset ---------------------------------------------------------------------


def _request_reset(client: Client, email: str, capture) -> str:  # type: ignore[no-untyped-def]
    """Ask for a reset mail and return the path of the link in it (the outbox sends it
    after the commit)."""
    with capture(execute=True):
        response = client.post("/accounts/password/reset/", {"email": email})
    assert response.status_code == 302
    assert response["Location"] == "/accounts/password/reset/done/"
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [email]
    link = re.search(rf"{SITE}(/accounts/password/reset/key/\S+/)", message.body)
    assert link, message.body
    return link.group(1)


@pytest.mark.django_db
def test_password_reset_by_mail(django_capture_on_commit_callbacks):
    user = UserFactory(email="reset@example.org")
    client = Client()
    link = _request_reset(client, "reset@example.org", django_capture_on_commit_callbacks)

    response = client.get(link)  # allauth keeps the key in the session and redirects
    assert response.status_code == 302
    form_url = response["Location"]
    assert "set-password" in form_url
    response = client.post(form_url, {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD})
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.check_password(NEW_PASSWORD)

    # The link works once only.
    response = Client().get(link, follow=True)
    assert BAD_LINK_NL in main_text(response)


@pytest.mark.django_db
def test_password_reset_for_an_unknown_address_looks_the_same():
    UserFactory(email="known@example.org")
    known = Client().post("/accounts/password/reset/", {"email": "known@example.org"})
    unknown = Client().post("/accounts/password/reset/", {"email": "unknown@example.org"})
    assert known.status_code == unknown.status_code == 302
    assert known["Location"] == unknown["Location"]
    assert not User.objects.filter(email="unknown@example.org").exists()


@pytest.mark.django_db
def test_invalid_reset_key_gives_a_dutch_message_and_changes_nothing(
    django_capture_on_commit_callbacks,
):
    user = UserFactory(email="reset@example.org")
    client = Client()
    link = _request_reset(client, "reset@example.org", django_capture_on_commit_callbacks)
    forged = re.sub(r"-[^-/]+/$", "-forged0key0/", link)
    assert forged != link
    response = client.get(forged, follow=True)
    assert response.status_code == 200
    text = main_text(response)
    assert BAD_LINK_NL in text
    assert "Je wachtwoord is niet veranderd" in text
    assert 'href="/accounts/password/reset/"' in response.content.decode()
    user.refresh_from_db()
    assert user.check_password(TEST_PASSWORD)


@pytest.mark.django_db
def test_expired_reset_key_gives_a_dutch_message_and_changes_nothing(
    settings, django_capture_on_commit_callbacks
):
    user = UserFactory(email="late@example.org")
    client = Client()
    link = _request_reset(client, "late@example.org", django_capture_on_commit_callbacks)
    form_url = client.get(link)["Location"]
    # The link is now older than the validity of a reset link.
    settings.PASSWORD_RESET_TIMEOUT = -1
    response = client.post(form_url, {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD})
    assert response.status_code == 200
    assert BAD_LINK_NL in main_text(response)
    user.refresh_from_db()
    assert user.check_password(TEST_PASSWORD)
    assert not user.check_password(NEW_PASSWORD)


@pytest.mark.django_db
def test_reset_with_mismatched_passwords_changes_nothing(django_capture_on_commit_callbacks):
    user = UserFactory(email="reset@example.org")
    client = Client()
    link = _request_reset(client, "reset@example.org", django_capture_on_commit_callbacks)
    form_url = client.get(link)["Location"]
    response = client.post(form_url, {"password1": NEW_PASSWORD, "password2": "iets-anders-99"})
    assert response.status_code == 200
    assert "Je moet hetzelfde wachtwoord twee keer intoetsen" in main_text(response)
    user.refresh_from_db()
    assert user.check_password(TEST_PASSWORD)


# --- Bad input on the sign-in page -------------------------------------------------------


def _assert_refused(client: Client, response, message: str) -> None:
    assert response.status_code == 200
    assert message in main_text(response)
    assert not is_signed_in(client)


@pytest.mark.django_db
def test_wrong_password_is_refused_in_dutch():
    UserFactory(email="ann@example.org")
    client = Client()
    _assert_refused(client, post_login(client, "ann@example.org", "wrong"), WRONG_CREDENTIALS_NL)


@pytest.mark.django_db
def test_unknown_email_gets_the_same_message_as_a_wrong_password():
    UserFactory(email="ann@example.org")
    users = User.objects.count()
    client = Client()
    wrong = main_text(post_login(client, "ann@example.org", "wrong"))
    unknown = main_text(post_login(client, "nobody@example.org", "wrong"))
    assert WRONG_CREDENTIALS_NL in unknown
    # Same page apart from the address typed in: nothing tells whether an account exists.
    assert wrong.replace("ann@example.org", "X") == unknown.replace("nobody@example.org", "X")
    assert User.objects.count() == users
    assert not is_signed_in(client)


@pytest.mark.django_db
def test_malformed_login_form_is_refused_in_dutch():
    client = Client()
    response = client.post(LOGIN_URL, {"login": "geen e-mail", "password": ""})
    _assert_refused(client, response, "Dit veld is verplicht.")
    assert "geldig e-mailadres" in main_text(response)
    response = client.post(LOGIN_URL, {"unexpected": "x"})
    _assert_refused(client, response, "Dit veld is verplicht.")


@pytest.mark.django_db
@pytest.mark.parametrize("length", [300, 400])
def test_too_long_email_is_refused_in_dutch(length):
    UserFactory(email="ann@example.org")
    users = User.objects.count()
    client = Client()
    email = "a" * (length - len("@example.org")) + "@example.org"
    response = post_login(client, email)
    assert response.status_code == 200
    assert "niet meer dan 254 tekens" in main_text(response)
    assert not is_signed_in(client)
    assert User.objects.count() == users
    # The reset form refuses it too, and sends nothing.
    response = client.post("/accounts/password/reset/", {"email": email})
    assert response.status_code == 200
    assert "niet meer dan 254 tekens" in main_text(response)
    assert mail.outbox == []


@pytest.mark.django_db
def test_open_signup_is_closed():
    response = Client().post(
        "/accounts/signup/",
        {"email": "new@example.org", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
    )
    assert response.status_code == 200
    assert "Registratie gesloten" in main_text(response) or "gesloten" in main_text(response)
    assert not User.objects.filter(email="new@example.org").exists()


@pytest.mark.django_db
def test_login_page_offers_no_sign_up_but_a_reset():
    text = main_text(Client().get(LOGIN_URL))
    assert "registreer" not in text.lower()
    assert "Wachtwoord vergeten?" in text


# --- Throttling -------------------------------------------------------------------------


ATTACKER = "192.0.2.66"


def _fail(client: Client, email: str, n: int, path: str = LOGIN_URL, ip: str = ATTACKER) -> None:
    for i in range(n):
        response = client.post(path, {"login": email, "password": f"wrong-{i}"}, REMOTE_ADDR=ip)
        assert WRONG_CREDENTIALS_NL in main_text(response), f"attempt {i + 1}"


@pytest.mark.django_db
def test_sixth_failure_from_one_address_is_refused_there_even_with_the_right_password():
    UserFactory(email="target@example.org")
    client = Client()
    _fail(client, "target@example.org", 5)
    response = post_login(client, "target@example.org", REMOTE_ADDR=ATTACKER)
    assert response.status_code == 200
    assert THROTTLED_NL in main_text(response)
    assert "vijf minuten" in main_text(response)
    assert not is_signed_in(client)
    # The owner, from their own address, is not locked out by someone else's failures.
    owner = Client()
    post_login(owner, "TARGET@example.org", REMOTE_ADDR="203.0.113.99")
    assert is_signed_in(owner)


@pytest.mark.django_db
def test_four_failures_do_not_block_and_other_accounts_are_not_affected():
    UserFactory(email="target@example.org")
    UserFactory(email="bystander@example.org")
    _fail(Client(), "target@example.org", 5)
    bystander = Client()
    post_login(bystander, "bystander@example.org", REMOTE_ADDR="192.0.2.10")
    assert is_signed_in(bystander)

    UserFactory(email="clumsy@example.org")
    _fail(Client(), "clumsy@example.org", 4)
    clumsy = Client()
    post_login(clumsy, "clumsy@example.org")
    assert is_signed_in(clumsy)


@pytest.mark.django_db
def test_throttle_lifts_after_five_minutes(monkeypatch):
    UserFactory(email="target@example.org")
    _fail(Client(), "target@example.org", 5)
    attempt = post_login(Client(), "target@example.org", REMOTE_ADDR=ATTACKER)
    assert THROTTLED_NL in main_text(attempt)

    # The stored history of failures expires with the window: no permanent lock-out.
    with connection.cursor() as cursor:
        cursor.execute("SELECT cache_key, expires FROM buddywerk_cache")
        rows = cursor.fetchall()
    failures = [(k, exp) for k, exp in rows if ":throttle:login-failed:account-ip:" in k]
    assert failures, rows
    from django.utils import timezone

    for _key, expires in failures:
        if isinstance(expires, str):  # SQLite returns text
            from django.utils.dateparse import parse_datetime

            expires = parse_datetime(expires)
        if timezone.is_naive(expires):
            expires = timezone.make_aware(expires, timezone.UTC)
        assert (expires - timezone.now()).total_seconds() <= 300

    # Five minutes and a second later, as the throttle reads the clock.
    later = time.time() + 301
    monkeypatch.setattr(throttle, "_now", lambda: later)
    client = Client()
    post_login(client, "target@example.org", REMOTE_ADDR=ATTACKER)
    assert is_signed_in(client)


@pytest.mark.django_db
def test_anonymous_admin_ends_on_the_allauth_login_page():
    response = Client().get("/admin/", follow=True)
    assert response.status_code == 200
    assert response.redirect_chain[-1][0] == "/accounts/login/?next=%2Fadmin%2F"
    assert response.templates[0].name == "account/login.html"


@pytest.mark.django_db
def test_admin_login_cannot_bypass_allauth_or_its_throttle():
    admin = UserFactory(email="root@example.org", is_staff=True, is_superuser=True)
    enrol_totp(admin)
    # Posting to the admin's own login form does not sign anyone in: it hands over to allauth.
    client = Client()
    response = client.post(
        "/admin/login/?next=/admin/", {"username": "root@example.org", "password": TEST_PASSWORD}
    )
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")
    assert not is_signed_in(client)

    _fail(client, "root@example.org", 5, path="/accounts/login/?next=/admin/")
    response = client.post(
        "/accounts/login/?next=/admin/",
        {"login": "root@example.org", "password": TEST_PASSWORD},
        REMOTE_ADDR=ATTACKER,
    )
    assert THROTTLED_NL in main_text(response)
    assert not is_signed_in(client)
    assert "_auth_user_id" not in client.session
