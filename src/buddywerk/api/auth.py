"""Who calls: a personal API token (`Authorization: Bearer bw_...`), checked on every call.

A token answers as its owner, through the same policy as the owner's pages, and only
within its scopes. It stops working at once when revoked, expired, used from an address
outside its allow-list, or when its owner's account is deactivated or lost its 2FA. Each
token has its own rate limit (a sliding window on the shared cache, common.throttle).
"""

from __future__ import annotations

import ipaddress
import math
import time
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest
from ninja.security import HttpBearer

from buddywerk.access.middleware import has_totp
from buddywerk.common import clock
from buddywerk.common.throttle import Bucket, Limit, Throttled, client_ip, consume

from .models import ApiToken
from .problems import TOKEN, responses
from .services import TOKEN_PREFIX, token_hash


class RateLimited(Exception):
    """The token used up its calls: answer 429 with `Retry-After` seconds."""

    def __init__(self, retry_after: int) -> None:
        super().__init__("rate limited")
        self.retry_after = retry_after


class MissingScope(Exception):
    """A valid token without the scope the operation needs: 403."""

    def __init__(self, scope: str) -> None:
        super().__init__(scope)
        self.scope = scope


def _address_allowed(token: ApiToken, address: str) -> bool:
    if not token.allowed_ips:
        return True
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(ip in ipaddress.ip_network(net) for net in token.allowed_ips)


def _retry_after(bucket: Bucket) -> int:
    """Seconds until the oldest call in the window leaves it."""
    history = cache.get(bucket.cache_key, [])
    if not history:
        return 1
    return max(1, math.ceil(min(history) + bucket.limit.seconds - time.time()))


def token_bucket(token: ApiToken) -> Bucket:
    return Bucket("api_token", str(token.uuid), Limit.parse(settings.API_TOKEN_RATE_LIMIT))


def token_for(request: HttpRequest, key: str) -> ApiToken | None:
    """The usable token for `key` from this address, or None (401). Counts the call."""
    if not key.startswith(TOKEN_PREFIX):
        return None
    token = (
        ApiToken.objects.usable()
        .select_related("user")
        .filter(key_hash=token_hash(key), expires_at__gt=clock.now())
        .first()
    )
    if token is None or not token.user.is_active or not has_totp(token.user):
        return None
    if not _address_allowed(token, client_ip(request)):
        return None
    bucket = token_bucket(token)
    try:
        consume(bucket)
    except Throttled as exc:
        raise RateLimited(_retry_after(bucket)) from exc
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=clock.now())
    return token


class TokenAuth(HttpBearer):
    """Bearer token auth for operations that need `scope`."""

    def __init__(self, scope: str) -> None:
        super().__init__()
        self.scope = scope

    def authenticate(self, request: HttpRequest, token: str) -> Any:
        found = token_for(request, token)
        if found is None:
            return None
        if self.scope not in found.scopes:
            raise MissingScope(self.scope)
        # The operation acts as the token's owner, through the owner's policy.
        request.user = found.user
        return found


def token_operation(scope: str, ok: dict[int, Any], *statuses: int) -> dict[str, Any]:
    """The `response` and `auth` of an operation behind a token with `scope`: its own
    responses, the token's errors (401, 403, 422, 429) and `statuses`."""
    return {"response": responses(ok, *TOKEN, *statuses), "auth": TokenAuth(scope)}
