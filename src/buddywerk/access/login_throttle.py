"""Failed sign-ins are throttled so that guessing is slow, but nobody can lock an account's
owner out by failing on purpose (issue 11, point 6).

Three counts of failures (settings.LOGIN_FAILURE_LIMITS), each with its own message:
- per address ("ip"): one address trying many accounts, or very fast;
- per account AND address ("account_ip"): an attacker guessing one account from their
  address is slowed there, while the owner signing in from anywhere else is not;
- per account ("account"): a high ceiling against guessing one account from many
  addresses.
None of them applies to a known device: a browser that completed a sign-in to that account
before (with the second factor, for accounts that have one) carries a signed cookie naming
the account. Its failures count apart, per account and device (the "account_ip" limit), so
nobody else's failures, not even a flood from the same school network, keep its owner out.
The cookie holds a fingerprint of the password hash, so a password change forgets every
known device.

Addresses come from common.throttle.client_ip (TRUSTED_PROXY_COUNT behind a load balancer).
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core import signing
from django.http import HttpRequest, HttpResponseBase
from django.utils.crypto import constant_time_compare, salted_hmac

from buddywerk.common.throttle import Bucket, Limit, client_ip

COOKIE = "bw_known_device"
_SALT = "buddywerk.access.known_device"
MAX_DEVICE_ACCOUNTS = 5


def _limits() -> dict[str, Limit]:
    return {name: Limit.parse(text) for name, text in settings.LOGIN_FAILURE_LIMITS.items()}


def failure_buckets(request: HttpRequest, email: str, *, known_device: bool) -> list[Bucket]:
    """The counts one failed sign-in for `email` from this request goes into."""
    limits = _limits()
    email = email.strip().lower()
    if known_device:
        return [Bucket("login-failed:known-device", email, limits["account_ip"])]
    ip = client_ip(request)
    return [
        Bucket("login-failed:ip", ip, limits["ip"]),
        Bucket("login-failed:account-ip", f"{email}\0{ip}", limits["account_ip"]),
        Bucket("login-failed:account", email, limits["account"]),
    ]


def _fingerprint(user: Any) -> str:
    return salted_hmac(_SALT, user.password, algorithm="sha256").hexdigest()[:24]


def _entries(request: HttpRequest) -> list[list[Any]]:
    value = request.COOKIES.get(COOKIE)
    if not value:
        return []
    try:
        entries = signing.loads(
            value, salt=_SALT, max_age=settings.KNOWN_DEVICE_DAYS * 24 * 60 * 60
        )
    except signing.BadSignature:
        return []
    return (
        [e for e in entries if isinstance(e, list) and len(e) == 2]
        if isinstance(entries, list)
        else []
    )


def is_known_device(request: HttpRequest, email: str) -> bool:
    """Whether this browser completed a sign-in to the account of `email` before, with
    the account's current password."""
    entries = _entries(request)
    if not entries:
        return False
    from .models import User

    user = User.objects.filter(email__iexact=email.strip()).only("pk", "password").first()
    if user is None:
        return False
    return any(
        pk == user.pk and constant_time_compare(str(mark), _fingerprint(user))
        for pk, mark in entries
    )


def remember_device(request: HttpRequest, response: HttpResponseBase, user: Any) -> None:
    """After a complete sign-in: this browser is a known device of `user` (the most recent
    MAX_DEVICE_ACCOUNTS accounts signed in from it)."""
    entries = [e for e in _entries(request) if e[0] != user.pk]
    entries = [[user.pk, _fingerprint(user)], *entries][:MAX_DEVICE_ACCOUNTS]
    response.set_cookie(
        COOKIE,
        signing.dumps(entries, salt=_SALT, compress=True),
        max_age=settings.KNOWN_DEVICE_DAYS * 24 * 60 * 60,
        path="/accounts/",
        secure=settings.SESSION_COOKIE_SECURE,
        httponly=True,
        samesite="Lax",
    )
