"""Throttling that cannot be turned against users (issue 11, point 6): a third party who
fails on purpose slows only themselves; a known device always gets its owner in; the
address limit has its own message; X-Forwarded-For counts only behind the configured
number of our own proxies."""

import pytest
from django.core.cache import cache
from django.test import Client, RequestFactory

from buddywerk.access.login_throttle import COOKIE
from buddywerk.access.models import Role
from buddywerk.common.throttle import client_ip
from tests.common.auth import LOGIN_URL, is_signed_in, main_text, post_login, totp_code
from tests.factories import TEST_PASSWORD, ProgrammeFactory, UserFactory, member

pytestmark = pytest.mark.django_db

ATTACKER = "192.0.2.66"
OWNER = "203.0.113.5"
ACCOUNT_NL = "Te veel mislukte pogingen om aan te melden bij dit account"
IP_NL = "Te veel mislukte pogingen om aan te melden vanaf jouw internetverbinding"
CEILING_NL = "alleen gebruiken op een toestel waarmee je al eerder aanmeldde"
WRONG_NL = "Het door jou opgegeven e-mailadres en/of wachtwoord is niet correct."


def _coordinator(email="coordinator@example.org"):
    """A programme coordinator, with TOTP enrolled (the role requires it)."""
    return member(UserFactory(email=email), ProgrammeFactory(), Role.PROGRAMME_COORDINATOR)


def _attempts(email, n, *, ip=ATTACKER, **extra):
    texts = []
    for i in range(n):
        response = Client().post(
            LOGIN_URL, {"login": email, "password": f"geraden-{i}"}, REMOTE_ADDR=ip, **extra
        )
        texts.append(main_text(response))
    return texts


def _sign_in_with_code(client, email, **extra):
    """Password, then the authenticator code: the whole sign-in of a staff member."""
    response = post_login(client, email, **extra)
    if response.status_code == 302 and response["Location"] == "/accounts/2fa/authenticate/":
        response = client.post("/accounts/2fa/authenticate/", {"code": totp_code()}, **extra)
    return response


def _forget_used_code(user):
    """allauth refuses a TOTP code used once within its period (replay protection); a test
    that signs in twice within 30 seconds forgets that mark, and only that."""
    cache.delete(f"allauth.mfa.totp.used?user={user.pk}&code={totp_code()}")


def test_a_third_party_failing_ten_times_does_not_stop_the_owner_signing_in():
    owner = _coordinator()
    texts = _attempts(owner.email, 10)
    assert all(WRONG_NL in t for t in texts[:5])
    assert all(ACCOUNT_NL in t for t in texts[5:])  # the attacker's address is slowed
    client = Client()
    response = _sign_in_with_code(client, owner.email, REMOTE_ADDR=OWNER)
    assert response.status_code == 302 and response["Location"] == "/"
    assert is_signed_in(client)


def test_the_attackers_own_address_is_slowed_even_with_the_right_password():
    owner = _coordinator()
    _attempts(owner.email, 5)
    client = Client()
    response = post_login(client, owner.email, REMOTE_ADDR=ATTACKER)
    assert ACCOUNT_NL in main_text(response)
    assert "vijf minuten" in main_text(response)
    assert not is_signed_in(client)
    assert response.status_code == 200


def test_the_address_limit_has_its_own_message():
    """One address trying many accounts: after 20 failures in a minute, every sign-in from
    it waits, with a message about the connection, not about an account."""
    for n in range(20):
        [text] = _attempts(f"persoon{n}@example.org", 1)
        assert WRONG_NL in text, n
    UserFactory(email="fresh@example.org")
    response = post_login(Client(), "fresh@example.org", REMOTE_ADDR=ATTACKER)
    text = main_text(response)
    assert IP_NL in text and "een minuut" in text
    assert ACCOUNT_NL not in text
    # Someone else, elsewhere, is not affected.
    other = Client()
    post_login(other, "fresh@example.org", REMOTE_ADDR=OWNER)
    assert is_signed_in(other)


def test_the_request_limit_page_is_dutch_and_about_the_connection(settings):
    """allauth's own per-address limit on the sign-in page (30 a minute by default)
    answers 429 with our page."""
    settings.ACCOUNT_RATE_LIMITS = {"login": "3/m/ip"}
    for _ in range(3):
        Client().post(LOGIN_URL, {"login": "x@example.org", "password": "x"}, REMOTE_ADDR=OWNER)
    response = Client().post(
        LOGIN_URL, {"login": "x@example.org", "password": "x"}, REMOTE_ADDR=OWNER
    )
    assert response.status_code == 429
    text = main_text(response)
    assert "Te veel pogingen vanaf jouw internetverbinding" in text
    assert "Wacht een minuut" in text


def test_a_known_device_signs_in_with_its_second_factor_despite_an_attacker_on_the_same_address():
    """The owner's office and the attacker share one public address (a school network).
    The browser the owner signed in with before still gets in; a new browser waits."""
    owner = _coordinator()
    laptop = Client()
    response = _sign_in_with_code(laptop, owner.email, REMOTE_ADDR=ATTACKER)
    assert is_signed_in(laptop)
    assert COOKIE in response.cookies
    assert response.cookies[COOKIE]["httponly"] and response.cookies[COOKIE]["path"] == "/accounts/"
    laptop.post("/accounts/logout/")  # allauth's real sign-out keeps the device cookie
    assert not is_signed_in(laptop) and COOKIE in laptop.cookies
    _forget_used_code(owner)

    texts = _attempts(owner.email, 6)
    assert ACCOUNT_NL in texts[-1]
    # Even a flood of failures from that address, on every account, does not keep it out.
    for n in range(20):
        _attempts(f"iemand{n}@example.org", 1)
    assert IP_NL in _attempts("iemand@example.org", 1)[0]
    response = _sign_in_with_code(laptop, owner.email, REMOTE_ADDR=ATTACKER)
    assert response.status_code == 302 and response["Location"] == "/"
    assert is_signed_in(laptop)
    # A browser that never signed in, on that address, waits.
    assert IP_NL in main_text(post_login(Client(), owner.email, REMOTE_ADDR=ATTACKER))


def test_guessing_from_a_known_device_is_slowed_too():
    owner = UserFactory(email="buddy@example.org")
    device = Client()
    post_login(device, owner.email, REMOTE_ADDR=OWNER)
    device.post("/accounts/logout/")
    for i in range(5):
        response = device.post(
            LOGIN_URL, {"login": owner.email, "password": f"fout-{i}"}, REMOTE_ADDR=OWNER
        )
        assert WRONG_NL in main_text(response)
    assert ACCOUNT_NL in main_text(post_login(device, owner.email, REMOTE_ADDR=OWNER))


def test_only_a_complete_sign_in_makes_a_known_device():
    """Password alone (the second factor not given) earns no cookie."""
    owner = _coordinator()
    client = Client()
    response = post_login(client, owner.email, REMOTE_ADDR=OWNER)
    assert response["Location"] == "/accounts/2fa/authenticate/"
    assert COOKIE not in response.cookies and COOKIE not in client.cookies


def test_a_known_device_cookie_of_another_account_or_an_old_password_does_not_count():
    owner = _coordinator()
    other = UserFactory(email="other@example.org")
    device = Client()
    post_login(device, other.email, REMOTE_ADDR=ATTACKER)
    assert is_signed_in(device) and COOKIE in device.cookies
    device.post("/accounts/logout/")
    _attempts(owner.email, 5)
    assert ACCOUNT_NL in main_text(post_login(device, owner.email, REMOTE_ADDR=ATTACKER))

    # A password change forgets the devices of that account.
    _attempts(other.email, 5)
    other.set_password("Een-ander-wachtwoord-42")
    other.save()
    response = post_login(device, other.email, "Een-ander-wachtwoord-42", REMOTE_ADDR=ATTACKER)
    assert ACCOUNT_NL in main_text(response)


def test_failures_from_many_addresses_hit_a_ceiling_that_known_devices_pass(settings):
    settings.LOGIN_FAILURE_LIMITS = {"ip": "20/m", "account_ip": "5/5m", "account": "8/h"}
    owner = UserFactory(email="buddy@example.org")
    phone = Client()
    post_login(phone, owner.email, REMOTE_ADDR=OWNER)
    assert is_signed_in(phone)
    phone.post("/accounts/logout/")
    for n in range(8):
        _attempts(owner.email, 1, ip=f"198.51.100.{n + 1}")
    response = post_login(Client(), owner.email, REMOTE_ADDR="198.51.100.200")
    assert CEILING_NL in main_text(response)
    post_login(phone, owner.email, REMOTE_ADDR="198.51.100.201")
    assert is_signed_in(phone)


# --- The client's address -----------------------------------------------------------------


def test_x_forwarded_for_is_ignored_without_trusted_proxies(settings):
    settings.TRUSTED_PROXY_COUNT = 0
    owner = UserFactory(email="owner@example.org")
    # Each attempt claims another address in the header: all count for the real one.
    for n in range(5):
        _attempts(owner.email, 1, HTTP_X_FORWARDED_FOR=f"198.51.100.{n + 1}")
    response = post_login(
        Client(), owner.email, REMOTE_ADDR=ATTACKER, HTTP_X_FORWARDED_FOR="198.51.100.99"
    )
    assert ACCOUNT_NL in main_text(response)


def test_behind_one_load_balancer_every_user_has_their_own_address(settings):
    settings.TRUSTED_PROXY_COUNT = 1
    balancer = "10.0.0.2"
    owner = UserFactory(email="owner@example.org")
    _attempts(owner.email, 5, ip=balancer, HTTP_X_FORWARDED_FOR=ATTACKER)
    # The attacker cannot step out of their count by putting an address in front ...
    response = post_login(
        Client(),
        owner.email,
        REMOTE_ADDR=balancer,
        HTTP_X_FORWARDED_FOR=f"{OWNER}, {ATTACKER}",
    )
    assert ACCOUNT_NL in main_text(response)
    # ... while the owner, through the same balancer, signs in.
    client = Client()
    post_login(
        client, owner.email, REMOTE_ADDR=balancer, HTTP_X_FORWARDED_FOR=f"{ATTACKER}, {OWNER}"
    )
    assert is_signed_in(client)


@pytest.mark.parametrize(
    ("count", "remote", "forwarded", "expected"),
    [
        (0, "192.0.2.1", "198.51.100.7", "192.0.2.1"),
        (1, "10.0.0.2", "198.51.100.7", "198.51.100.7"),
        (1, "10.0.0.2", "1.2.3.4, 198.51.100.7", "198.51.100.7"),
        (2, "10.0.0.3", "1.2.3.4, 198.51.100.7, 10.0.0.9", "198.51.100.7"),
        # Fewer entries than proxies: it did not come through them; the connection counts.
        (2, "10.0.0.3", "198.51.100.7", "10.0.0.3"),
        (1, "10.0.0.2", "", "10.0.0.2"),
        (1, "10.0.0.2", "not-an-address", "10.0.0.2"),
        # One IPv6 client holds a /64: it counts as one address.
        (0, "2001:db8:1:2:aaaa::1", "", "2001:db8:1:2::"),
        (0, "::ffff:192.0.2.9", "", "192.0.2.9"),
    ],
)
def test_client_ip(settings, count, remote, forwarded, expected):
    settings.TRUSTED_PROXY_COUNT = count
    headers = {"HTTP_X_FORWARDED_FOR": forwarded} if forwarded else {}
    request = RequestFactory().get("/", REMOTE_ADDR=remote, **headers)
    assert client_ip(request) == expected


def test_a_password_reset_lifts_the_account_counts(django_capture_on_commit_callbacks):
    import re

    from django.core import mail

    owner = UserFactory(email="owner@example.org")
    _attempts(owner.email, 5)
    with django_capture_on_commit_callbacks(execute=True):
        Client().post("/accounts/password/reset/", {"email": owner.email}, REMOTE_ADDR=ATTACKER)
    link = re.search(r"https?://\S+/accounts/password/reset/key/\S+/", mail.outbox[0].body)
    client = Client()
    form_url = client.get(link.group(0), REMOTE_ADDR=ATTACKER)["Location"]
    client.post(
        form_url,
        {"password1": "Nieuw-wachtwoord-42", "password2": "Nieuw-wachtwoord-42"},
        REMOTE_ADDR=ATTACKER,
    )
    fresh = Client()
    post_login(fresh, owner.email, "Nieuw-wachtwoord-42", REMOTE_ADDR=ATTACKER)
    assert is_signed_in(fresh)
    # The reset did not let the old password in again.
    assert not post_login(Client(), owner.email, TEST_PASSWORD, REMOTE_ADDR=OWNER).has_header(
        "Location"
    )
