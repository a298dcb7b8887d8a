"""Throttling on the shared cache, and the client's address behind trusted proxies.

The counts live in Django's default cache, the database cache in every deployment
(settings.CACHES), so every web worker sees the same counts. A limit such as "5/5m" allows
five events in any five minutes: each bucket keeps the moments of its recent events (a
sliding window), so a limit lifts by itself and never locks anyone out for good.

Buckets are named by what they count and keyed by whose events they are (an address, an
account); the cache holds a hash of both, never the address or the email itself.
"""

from __future__ import annotations

import hashlib
import ipaddress
import logging
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest

logger = logging.getLogger(__name__)

_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400}
_LOCK_SECONDS = 10
_LOCK_WAIT = 1.0


@dataclass(frozen=True)
class Limit:
    """`amount` events in any `seconds`."""

    amount: int
    seconds: int

    @classmethod
    def parse(cls, text: str) -> Limit:
        """ "5/5m", "20/m", "3/d" -> Limit."""
        amount, period = text.strip().split("/")
        number, unit = period[:-1], period[-1]
        return cls(int(amount), int(number or 1) * _UNITS[unit])


@dataclass(frozen=True)
class Bucket:
    """One count: `name` says what it counts (and which limit a caller reports when it is
    full), `key` whose events they are."""

    name: str
    key: str
    limit: Limit

    @property
    def cache_key(self) -> str:
        digest = hashlib.sha256(f"{self.name}\0{self.key}".encode()).hexdigest()
        return f"throttle:{self.name}:{digest}"


class Throttled(Exception):
    """`bucket` is full: the event was not recorded anywhere."""

    def __init__(self, bucket: Bucket) -> None:
        super().__init__(bucket.name)
        self.bucket = bucket


@dataclass
class Hits:
    """What one `consume` recorded, so that it can be taken back (a login that succeeded
    should not count as a failure)."""

    recorded: list[tuple[Bucket, float]] = field(default_factory=list)

    def rollback(self) -> None:
        for bucket, moment in reversed(self.recorded):
            with _lock(bucket) as locked:
                if locked:
                    history = [t for t in cache.get(bucket.cache_key, []) if t != moment]
                    cache.set(bucket.cache_key, history, bucket.limit.seconds)
        self.recorded.clear()


def _now() -> float:
    return time.time()


@contextmanager
def _lock(bucket: Bucket) -> Iterator[bool]:
    """A short lock on one bucket (cache.add is atomic on the database cache too)."""
    key = f"{bucket.cache_key}:lock"
    deadline = time.monotonic() + _LOCK_WAIT
    while not cache.add(key, 1, timeout=_LOCK_SECONDS):
        if time.monotonic() >= deadline:
            yield False
            return
        time.sleep(0.01)
    try:
        yield True
    finally:
        cache.delete(key)


def consume(*buckets: Bucket) -> Hits:
    """Record one event in every bucket, or none: Throttled names the first full bucket
    (a bucket that stays locked counts as full: throttling fails closed)."""
    hits = Hits()
    for bucket in buckets:
        with _lock(bucket) as locked:
            now = _now()
            history = [t for t in cache.get(bucket.cache_key, []) if t > now - bucket.limit.seconds]
            if not locked or len(history) >= bucket.limit.amount:
                hits.rollback()
                raise Throttled(bucket)
            history.append(now)
            cache.set(bucket.cache_key, history, bucket.limit.seconds)
            hits.recorded.append((bucket, now))
    return hits


def clear(*buckets: Bucket) -> None:
    """Forget the events of these buckets (e.g. after the owner reset their password)."""
    cache.delete_many([bucket.cache_key for bucket in buckets])


# --- The client's address ---------------------------------------------------------------


def _clean(value: str) -> str | None:
    try:
        address = ipaddress.ip_address(value.strip().strip("[]"))
    except ValueError:
        return None
    if isinstance(address, ipaddress.IPv6Address):
        if address.ipv4_mapped:
            return str(address.ipv4_mapped)
        # One IPv6 client owns a whole /64: count it as one address.
        return str(ipaddress.IPv6Network(f"{address}/64", strict=False).network_address)
    return str(address)


def client_ip(request: HttpRequest) -> str:
    """The address of the client, for throttling.

    With TRUSTED_PROXY_COUNT = 0 (the default) it is the address that connected
    (REMOTE_ADDR): X-Forwarded-For is ignored, because anyone can send it. Behind n
    proxies of our own (a load balancer: n = 1), each proxy appends the address it saw to
    X-Forwarded-For, so the n-th entry from the right is the client's; whatever stands left
    of it came from the client and is not trusted. A request with fewer entries did not
    come through the proxies: its connecting address counts."""
    remote = _clean(request.META.get("REMOTE_ADDR", "")) or "unknown"
    count: int = settings.TRUSTED_PROXY_COUNT
    if count <= 0:
        return remote
    forwarded = [part.strip() for part in request.headers.get("X-Forwarded-For", "").split(",")]
    forwarded = [part for part in forwarded if part]
    if len(forwarded) < count:
        return remote
    return _clean(forwarded[-count]) or remote
