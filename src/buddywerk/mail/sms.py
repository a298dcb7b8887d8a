"""The SMS outbox (issue 20, point 4): short messages to a family's contact person, sent
through a pluggable gateway with the mail outbox's pattern (outbox.py), so that nothing is
lost while the gateway is down and nothing is sent twice.

A FamilyMessage by SMS is stored in the transaction of the write that caused it; once that
commits, `family_sms_send` is enqueued for the worker, and `retry_due_sms` (run by
`buddywerk run-scheduled`) sends whatever is due. A pass first claims its rows with one
conditional UPDATE (a claim token and a lease on `next_attempt_at`), so two passes never
send the same row; each message the gateway accepted is recorded as sent at once, before
the next one goes out. Every attempt of one message carries the same id (the gateway's
`Idempotency-Key`), by which a gateway recognises the one case no outbox can close: a
crash between its "accepted" and our UPDATE. Backoff and giving up as in outbox.py.

The backend comes from the SMS_URL setting: `console://` prints the messages (the demo),
`http://...` or `https://...` posts them to an HTTP gateway as JSON. Log lines name the
message by id, never the number or the text.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import sys
import urllib.error
import urllib.request
import uuid
from functools import partial
from typing import Protocol, TextIO

from django.conf import settings
from django.db import transaction
from django.db.models import QuerySet
from django.tasks import task
from django.utils import timezone

from .models import FamilyMessage, MessageChannel
from .outbox import BACKOFF_MINUTES, BATCH, GIVE_UP_AFTER, LEASE, DeliveryRun

logger = logging.getLogger(__name__)

GATEWAY_TIMEOUT_SECONDS = 10


class SmsError(Exception):
    """The gateway did not take the message (an error answer)."""


class SmsGatewayDown(SmsError):
    """The gateway could not be reached: the rest of a batch waits too."""


class SmsBackend(Protocol):
    def send(self, *, message_id: str, to: str, text: str) -> None:
        """Hand one message to the gateway; raise SmsError if it did not take it."""


class ConsoleSmsBackend:
    """Prints each message (the demo and development)."""

    def __init__(self, stream: TextIO | None = None) -> None:
        self.stream = stream or sys.stdout

    def send(self, *, message_id: str, to: str, text: str) -> None:
        self.stream.write(f"SMS {message_id} to {to}:\n{text}\n\n")
        self.stream.flush()


class HttpSmsBackend:
    """Posts each message as JSON to a gateway: {"id", "to", "text"} with the same id in
    an Idempotency-Key header; any 2xx answer means the gateway took it."""

    def __init__(self, url: str) -> None:
        self.url = url

    def send(self, *, message_id: str, to: str, text: str) -> None:
        data = json.dumps({"id": message_id, "to": to, "text": text}).encode()
        request = urllib.request.Request(  # noqa: S310 - the URL comes from the settings
            self.url,
            data=data,
            method="POST",
            headers={"Content-Type": "application/json", "Idempotency-Key": message_id},
        )
        try:
            with urllib.request.urlopen(  # noqa: S310
                request, timeout=GATEWAY_TIMEOUT_SECONDS
            ) as response:
                status = response.status
        except urllib.error.HTTPError as exc:
            raise SmsError(f"gateway answered {exc.code}") from exc
        except (OSError, ValueError) as exc:
            raise SmsGatewayDown(type(exc).__name__) from exc
        if not 200 <= status < 300:
            raise SmsError(f"gateway answered {status}")


def sms_backend() -> SmsBackend:
    """The backend the SMS_URL setting names."""
    url = getattr(settings, "SMS_URL", "console://")
    if url.startswith(("http://", "https://")):
        return HttpSmsBackend(url)
    if url == "console://":
        return ConsoleSmsBackend()
    raise ValueError("SMS_URL must be console:// or an http(s) URL")


def sms_message_id(message: FamilyMessage) -> str:
    """The same id on every attempt of one message."""
    return f"buddywerk-{message.pk}-{message.created_at:%Y%m%d%H%M%S}"


def sms_enqueue_after_commit(message: FamilyMessage) -> None:
    transaction.on_commit(partial(_enqueue_send, message.pk))


def _enqueue_send(message_id: int) -> None:
    try:
        family_sms_send.enqueue(message_id=message_id)
    except Exception:
        # The row is committed: the next scheduled retry sends it.
        logger.warning("Family SMS %s: could not enqueue its task", message_id, exc_info=True)


def _due(now: dt.datetime) -> QuerySet[FamilyMessage]:
    return FamilyMessage.objects.filter(
        channel=MessageChannel.SMS,
        sent_at__isnull=True,
        given_up_at__isnull=True,
        next_attempt_at__lte=now,
    )


def _claim(candidates: QuerySet[FamilyMessage], now: dt.datetime) -> list[FamilyMessage]:
    token = uuid.uuid4()
    pks = candidates.order_by("next_attempt_at", "pk").values("pk")[:BATCH]
    _due(now).filter(pk__in=pks).update(claim=token, next_attempt_at=now + LEASE)
    return list(FamilyMessage.objects.filter(claim=token).order_by("pk"))


def _backoff(attempts: int) -> dt.timedelta:
    return dt.timedelta(minutes=BACKOFF_MINUTES[min(attempts, len(BACKOFF_MINUTES)) - 1])


def _deliver(batch: list[FamilyMessage], now: dt.datetime) -> DeliveryRun:
    if not batch:
        return DeliveryRun()
    backend = sms_backend()
    sent = failed = given_up = 0
    down: SmsError | None = None
    for message in batch:
        error: SmsError | None = down
        if error is None:
            try:
                backend.send(message_id=sms_message_id(message), to=message.to, text=message.body)
            except SmsGatewayDown as exc:
                # Unreachable: the rest of the batch waits for the next pass too.
                error = down = exc
            except SmsError as exc:
                error = exc
        attempts = message.attempts + 1
        if error is None:
            # Recorded at once, outside any transaction, before the next message goes out.
            FamilyMessage.objects.filter(pk=message.pk).update(
                attempts=attempts, claim=None, sent_at=now, last_error=""
            )
            sent += 1
            continue
        changes: dict[str, object] = {
            "attempts": attempts,
            "claim": None,
            "last_error": f"SmsError: {error}"[:500],
        }
        if now - message.created_at >= GIVE_UP_AFTER:
            changes["given_up_at"] = now
            given_up += 1
            logger.error("Family SMS %s given up after %s attempts", message.pk, attempts)
        else:
            changes["next_attempt_at"] = now + _backoff(attempts)
            failed += 1
            logger.warning("Family SMS %s not sent (attempt %s): %s", message.pk, attempts, error)
        FamilyMessage.objects.filter(pk=message.pk).update(**changes)
    return DeliveryRun(sent=sent, failed=failed, given_up=given_up)


def sms_send(*, message_id: int, now: dt.datetime | None = None) -> DeliveryRun:
    """Send one stored SMS if it is still due (the worker's first attempt)."""
    now = now or timezone.now()
    return _deliver(_claim(FamilyMessage.objects.filter(pk=message_id), now), now)


def retry_due_sms(*, now: dt.datetime | None = None) -> DeliveryRun:
    """Send every SMS that is due at `now`, in batches of BATCH."""
    now = now or timezone.now()
    total = DeliveryRun()
    while batch := _claim(FamilyMessage.objects.all(), now):
        total += _deliver(batch, now)
        if len(batch) < BATCH:
            break
    return total


@task()
def family_sms_send(*, message_id: int) -> int:
    """The worker's first attempt to send one SMS, right after the commit; a failure is
    recorded on the row and retried by `retry_due_sms`. Returns 1 if sent."""
    return sms_send(message_id=message_id).sent
