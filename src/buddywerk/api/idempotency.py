"""`Idempotency-Key` on every create (issue 18): the create and the record of its key
commit together, so a retry (even a concurrent one) within `KEEP_HOURS` answers as the
first call did and creates nothing. The same key with a different body is refused (422).

The store keeps no answer: only the status and the public id of what was created. A retry
rebuilds the answer from the object as it is now, so nothing personal (a meeting note, a
pupil's name) outlives the object's erasure or the retention schedule; an object that is
gone (or no longer yours to see) answers 410. After `KEEP_HOURS` a key counts as new and
the daily run deletes its row (`idempotency_keys_purge`)."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Callable
from typing import Any
from uuid import UUID

from django.db import IntegrityError, transaction
from django.http import HttpRequest
from django.utils import timezone
from ninja import Status
from ninja.errors import ValidationError

from buddywerk.privacy.schedule import DataKind, rule_for

from .models import ApiToken, IdempotentRequest

# The retention schedule's period (one day), which states it for the privacy pages too.
KEEP_HOURS = 24 * rule_for(DataKind.API_RETRY_KEY).days


class Gone(Exception):
    """A retry whose created object no longer exists (or is out of the caller's scope): 410."""


def _fingerprint(payload: Any) -> str:
    return hashlib.sha256(json.dumps(payload, sort_keys=True, default=str).encode()).hexdigest()


def _key_error(message: str) -> ValidationError:
    return ValidationError(
        [{"loc": ["header", "Idempotency-Key"], "msg": message, "type": "invalid"}]
    )


def _valid_since(now: dt.datetime) -> dt.datetime:
    return now - dt.timedelta(hours=KEEP_HOURS)


def idempotent(
    request: HttpRequest,
    *,
    operation: str,
    payload: Any,
    create: Callable[[], UUID],
    answer: Callable[[UUID], dict[str, Any] | None],
    status: int = 201,
) -> Status[dict[str, Any]]:
    """Run `create` (which returns the public id of what it made) once per
    Idempotency-Key; answer `status` with `answer(uuid)`, the object as the caller sees it
    (None: it is gone), for the first call and every retry alike."""
    created = _run_once(request, operation=operation, payload=payload, create=create, status=status)
    body = answer(created)
    if body is None:
        raise Gone
    return Status(status, body)


def _run_once(
    request: HttpRequest,
    *,
    operation: str,
    payload: Any,
    create: Callable[[], UUID],
    status: int,
) -> UUID:
    key = request.headers.get("Idempotency-Key", "").strip()
    if not key:
        return create()
    if len(key) > 200:
        raise _key_error("at most 200 characters")
    token: ApiToken = request.auth  # type: ignore[attr-defined]
    fingerprint = _fingerprint({"operation": operation, "payload": payload})

    def earlier() -> UUID | None:
        found = IdempotentRequest.objects.filter(token=token, key=key).first()
        if found is None:
            return None
        if found.operation != operation or found.fingerprint != fingerprint:
            raise _key_error("this key was used for another request")
        return found.created

    # An expired key counts as new: its row goes, so the create below can take the key.
    IdempotentRequest.objects.filter(
        token=token, key=key, created_at__lt=_valid_since(timezone.now())
    ).delete()
    created = earlier()
    if created is not None:
        return created
    try:
        with transaction.atomic():
            created = create()
            IdempotentRequest.objects.create(
                token=token,
                key=key,
                operation=operation,
                fingerprint=fingerprint,
                status=status,
                created=created,
            )
    except IntegrityError:
        # A concurrent retry committed first: everything here rolled back.
        again = earlier()
        if again is None:
            raise
        return again
    return created


def idempotency_keys_purge(*, now: dt.datetime | None = None) -> int:
    """Delete the keys older than KEEP_HOURS (the daily scheduled run); returns how many."""
    deleted, _detail = IdempotentRequest.objects.filter(
        created_at__lt=_valid_since(now or timezone.now())
    ).delete()
    return deleted
