"""Webhooks: a school hears of its referrals' and duos' status changes (issue 18).

Built like the mail outbox (mail/outbox.py): a status change (common.workflow's kernel,
through `on_transition`) stores one WebhookDelivery per live subscription in ITS OWN
transaction, and after the commit the task worker tries to send it. A failure (the
receiver is down, answers other than 2xx, or its address is refused) is written to the
delivery log (WebhookAttempt) and retried with backoff (1, 5, 15, 60 minutes, then hourly)
by `retry_due_webhooks`, run by `buddywerk run-scheduled`; after WEBHOOK_MAX_ATTEMPTS
attempts it is given up. A pass claims its rows first (one conditional UPDATE), so the
worker and the scheduler never send the same event at the same time.

The body is JSON with public ids and statuses only: never a name. Every attempt is signed
anew (docs/api.md, "Webhooks"):

    Buddywerk-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>.<body>")>

so a receiver checks the signature and refuses an old timestamp (a replay); the event id
(`Buddywerk-Event-Id`, also `id` in the body) is the same on every attempt, to drop
duplicates.

SSRF: an address must be https:// (unless WEBHOOK_ALLOW_HTTP: DEBUG and tests) and every
address its host name resolves to must be public (unless WEBHOOK_ALLOW_PRIVATE_ADDRESSES).
The check runs when the school subscribes and again at each attempt, and the connection goes
to the address that was checked (no second DNS lookup to rebind), without following
redirects.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import http.client
import ipaddress
import json
import logging
import socket
import ssl
import time
import uuid
from dataclasses import dataclass
from functools import partial
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.db.models import QuerySet
from django.tasks import task
from django.utils import timezone
from django.utils.translation import gettext as _

from buddywerk.common.models import TransitionLog
from buddywerk.common.workflow import Workflow

from .models import WebhookAttempt, WebhookDelivery, WebhookSubscription

logger = logging.getLogger(__name__)

SIGNATURE_HEADER = "Buddywerk-Signature"
EVENT_HEADER = "Buddywerk-Event-Id"
BACKOFF_MINUTES = (1, 5, 15, 60)
LEASE = dt.timedelta(minutes=15)
BATCH = 100

REFERRAL_EVENT = "referral.status_changed"
DUO_EVENT = "duo.status_changed"


# --- Addresses (SSRF) --------------------------------------------------------------------


class AddressRefused(Exception):
    """The address may not be called (not https, or a private/loopback address)."""


def _public(ip: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return ip.is_global and not ip.is_multicast


def resolve(url: str) -> tuple[str, str, int, str]:
    """(scheme, host, port, IP address to connect to) for `url`, or AddressRefused."""
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    if scheme != "https" and not (scheme == "http" and settings.WEBHOOK_ALLOW_HTTP):
        raise AddressRefused("scheme")
    host = parts.hostname
    if not host or parts.username or parts.password:
        raise AddressRefused("host")
    try:
        port = parts.port or (443 if scheme == "https" else 80)
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (ValueError, OSError, UnicodeError) as exc:
        raise AddressRefused("dns") from exc
    addresses = [ipaddress.ip_address(str(info[4][0]).split("%")[0]) for info in infos]
    if not addresses:
        raise AddressRefused("dns")
    if not settings.WEBHOOK_ALLOW_PRIVATE_ADDRESSES and not all(_public(a) for a in addresses):
        raise AddressRefused("private")
    return scheme, host, port, str(addresses[0])


def validate_webhook_url(url: str) -> str:
    """The address as it will be called, or a ValidationError in Dutch (for the services)."""
    url = url.strip()
    scheme = urlsplit(url).scheme.lower()
    if scheme != "https" and not (scheme == "http" and settings.WEBHOOK_ALLOW_HTTP):
        raise ValidationError({"url": _("Give an address that starts with https://.")})
    try:
        resolve(url)
    except AddressRefused as exc:
        if str(exc) == "private":
            message = _("This address points to a private or local network; give a public one.")
        else:
            message = _("This address cannot be reached; check the host name.")
        raise ValidationError({"url": message}) from exc
    return url


# --- Events ------------------------------------------------------------------------------


def _event_payload(event: str, subject: dict[str, Any], log_row: TransitionLog) -> dict[str, Any]:
    return {
        "type": event,
        "data": {
            **subject,
            "from_status": log_row.from_status,
            "to_status": log_row.to_status,
            "transition": log_row.transition,
            "at": log_row.at,
        },
    }


def _event_for(obj: Any, log_row: TransitionLog) -> tuple[int, str, dict[str, Any]] | None:
    """(organisation id, event, payload) for a change the school follows, else None."""
    from buddywerk.referrals.models import Referral
    from buddywerk.trajectories.models import Trajectory

    subject: dict[str, Any]
    if isinstance(obj, Referral):
        subject = {
            "referral": str(obj.uuid),
            "programme": str(obj.programme.uuid),
            "participant_kind": "pupil" if obj.pupil_id else "family",
        }
        return obj.referrer_id, REFERRAL_EVENT, _event_payload(REFERRAL_EVENT, subject, log_row)
    if isinstance(obj, Trajectory):
        subject = {
            "duo": str(obj.uuid),
            "programme": str(obj.programme.uuid),
            "referrals": sorted(
                str(u) for u in obj.participants.values_list("referral__uuid", flat=True) if u
            ),
        }
        return obj.school_id, DUO_EVENT, _event_payload(DUO_EVENT, subject, log_row)
    return None


def on_transition(workflow: Workflow, obj: Any, log_row: TransitionLog) -> None:
    """Queue the event for the school's live subscription, in the transition's transaction
    (registered in ApiConfig.ready)."""
    found = _event_for(obj, log_row)
    if found is None:
        return
    organisation_id, event, payload = found
    subscription = WebhookSubscription.objects.filter(
        organisation_id=organisation_id, revoked_at__isnull=True
    ).first()
    if subscription is None:
        return
    delivery_id = uuid.uuid4()
    payload = {"id": str(delivery_id), **payload}
    delivery = WebhookDelivery.objects.create(
        uuid=delivery_id,
        subscription=subscription,
        event=event,
        # Dates as ISO text, as the receiver gets them.
        payload=json.loads(json.dumps(payload, cls=DjangoJSONEncoder)),
        next_attempt_at=timezone.now(),
    )
    transaction.on_commit(partial(_enqueue_send, delivery.pk))


def _enqueue_send(delivery_id: int) -> None:
    try:
        webhook_delivery_send.enqueue(delivery_id=delivery_id)
    except Exception:
        # The row is committed: the next scheduled retry sends it.
        logger.warning(
            "Webhook delivery %s: could not enqueue its task", delivery_id, exc_info=True
        )


# --- Signing and sending -----------------------------------------------------------------


def sign(secret: str, timestamp: int, body: bytes) -> str:
    """The `Buddywerk-Signature` header's value for `body` sent at `timestamp`."""
    mac = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256)
    return f"t={timestamp},v1={mac.hexdigest()}"


def verify(secret: str, header: str, body: bytes, *, now: int, tolerance: int = 300) -> bool:
    """What a receiver does (docs/api.md): the signature matches and the timestamp is recent."""
    try:
        fields = dict(part.split("=", 1) for part in header.split(","))
        timestamp = int(fields["t"])
    except (ValueError, KeyError):
        return False
    if abs(now - timestamp) > tolerance:
        return False
    return hmac.compare_digest(
        sign(secret, timestamp, body), f"t={timestamp},v1={fields.get('v1', '')}"
    )


class _PinnedHTTPSConnection(http.client.HTTPSConnection):
    """Connects to the IP address that was checked, with TLS verified for the host name."""

    def __init__(self, host: str, port: int, ip: str, timeout: float) -> None:
        super().__init__(host, port, timeout=timeout, context=ssl.create_default_context())
        self._ip = ip

    def connect(self) -> None:
        sock = socket.create_connection((self._ip, self.port), self.timeout)
        self.sock = self._context.wrap_socket(sock, server_hostname=self.host)  # type: ignore[attr-defined]


class _PinnedHTTPConnection(http.client.HTTPConnection):
    def __init__(self, host: str, port: int, ip: str, timeout: float) -> None:
        super().__init__(host, port, timeout=timeout)
        self._ip = ip

    def connect(self) -> None:
        self.sock = socket.create_connection((self._ip, self.port), self.timeout)


def _post(url: str, body: bytes, headers: dict[str, str]) -> int:
    """POST once, no redirects followed; the receiver's status code (OSError when down)."""
    scheme, host, port, ip = resolve(url)
    parts = urlsplit(url)
    target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    timeout = float(settings.WEBHOOK_TIMEOUT_SECONDS)
    connection_class = _PinnedHTTPSConnection if scheme == "https" else _PinnedHTTPConnection
    connection = connection_class(host, port, ip, timeout)
    try:
        connection.request("POST", target, body=body, headers=headers)
        response = connection.getresponse()
        response.read(65536)  # drain a little; the body is not kept
        return response.status
    finally:
        connection.close()


@dataclass(frozen=True)
class WebhookRun:
    delivered: int = 0
    failed: int = 0
    given_up: int = 0

    def __add__(self, other: WebhookRun) -> WebhookRun:
        return WebhookRun(
            self.delivered + other.delivered,
            self.failed + other.failed,
            self.given_up + other.given_up,
        )


def _due(now: dt.datetime) -> QuerySet[WebhookDelivery]:
    return WebhookDelivery.objects.filter(
        delivered_at__isnull=True, given_up_at__isnull=True, next_attempt_at__lte=now
    )


def _claim(candidates: QuerySet[WebhookDelivery], now: dt.datetime) -> list[WebhookDelivery]:
    token = uuid.uuid4()
    pks = candidates.order_by("next_attempt_at", "pk").values("pk")[:BATCH]
    _due(now).filter(pk__in=pks).update(claim=token, next_attempt_at=now + LEASE)
    return list(
        WebhookDelivery.objects.filter(claim=token).select_related("subscription").order_by("pk")
    )


def _backoff(attempts: int) -> dt.timedelta:
    return dt.timedelta(minutes=BACKOFF_MINUTES[min(attempts, len(BACKOFF_MINUTES)) - 1])


def _attempt(delivery: WebhookDelivery, now: dt.datetime) -> WebhookRun:
    """Send one claimed delivery and record the attempt (its own small transaction)."""
    subscription = delivery.subscription
    status_code: int | None = None
    error = ""
    if subscription.revoked_at is not None:
        error = "subscription revoked"
    else:
        body = json.dumps(delivery.payload, separators=(",", ":")).encode()
        headers = {
            "Content-Type": "application/json",
            "User-Agent": "Buddywerk-Webhooks/1",
            EVENT_HEADER: str(delivery.uuid),
            SIGNATURE_HEADER: sign(subscription.secret, int(time.time()), body),
        }
        try:
            status_code = _post(subscription.url, body, headers)
            if not 200 <= status_code < 300:
                error = f"HTTP {status_code}"
        except AddressRefused as exc:
            error = f"address refused ({exc})"
        except (OSError, http.client.HTTPException) as exc:
            error = type(exc).__name__
    delivery.attempts += 1
    delivery.claim = None
    run = WebhookRun(delivered=1)
    if not error:
        delivery.delivered_at = now
    elif subscription.revoked_at is not None or delivery.attempts >= settings.WEBHOOK_MAX_ATTEMPTS:
        delivery.given_up_at = now
        run = WebhookRun(given_up=1)
        logger.error(
            "Webhook delivery %s (%s) given up after %s attempts: %s",
            delivery.pk,
            delivery.event,
            delivery.attempts,
            error,
        )
    else:
        delivery.next_attempt_at = now + _backoff(delivery.attempts)
        run = WebhookRun(failed=1)
        logger.warning(
            "Webhook delivery %s (%s) failed (attempt %s), next at %s: %s",
            delivery.pk,
            delivery.event,
            delivery.attempts,
            delivery.next_attempt_at.isoformat(),
            error,
        )
    with transaction.atomic():
        WebhookAttempt.objects.create(
            delivery=delivery, at=now, status_code=status_code, error=error[:200]
        )
        delivery.save(
            update_fields=["attempts", "claim", "delivered_at", "given_up_at", "next_attempt_at"]
        )
    return run


def webhook_send(*, delivery_id: int, now: dt.datetime | None = None) -> WebhookRun:
    """Send one stored delivery if it is still due (the worker's first attempt)."""
    now = now or timezone.now()
    total = WebhookRun()
    for delivery in _claim(WebhookDelivery.objects.filter(pk=delivery_id), now):
        total += _attempt(delivery, now)
    return total


def retry_due_webhooks(*, now: dt.datetime | None = None) -> WebhookRun:
    """Send every delivery due at `now`, in batches (run by `buddywerk run-scheduled`)."""
    now = now or timezone.now()
    total = WebhookRun()
    while batch := _claim(WebhookDelivery.objects.all(), now):
        for delivery in batch:
            total += _attempt(delivery, now)
        if len(batch) < BATCH:
            break
    return total


@task()
def webhook_delivery_send(*, delivery_id: int) -> int:
    """The worker's first attempt, right after the commit; a failure is on the row and in
    the log, and `retry_due_webhooks` tries again. Returns 1 if delivered."""
    return webhook_send(delivery_id=delivery_id).delivered
