"""`Idempotency-Key` on every create (issue 18): the create and the record of its answer
commit together, so a retry (even a concurrent one) returns the first answer and creates
nothing. The same key with a different body is refused (422)."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from typing import Any

from django.db import IntegrityError, transaction
from django.http import HttpRequest
from ninja import Status
from ninja.errors import ValidationError

from .models import ApiToken, IdempotentRequest


def _fingerprint(payload: Any) -> str:
    return hashlib.sha256(json.dumps(payload, sort_keys=True, default=str).encode()).hexdigest()


def _key_error(message: str) -> ValidationError:
    return ValidationError(
        [{"loc": ["header", "Idempotency-Key"], "msg": message, "type": "invalid"}]
    )


def idempotent(
    request: HttpRequest,
    *,
    operation: str,
    payload: Any,
    create: Callable[[], tuple[int, dict[str, Any]]],
) -> Status[dict[str, Any]]:
    """Run `create` (which returns status and JSON body) once per Idempotency-Key; the
    operation's answer, first or repeated."""
    return Status(*_run_once(request, operation=operation, payload=payload, create=create))


def _run_once(
    request: HttpRequest,
    *,
    operation: str,
    payload: Any,
    create: Callable[[], tuple[int, dict[str, Any]]],
) -> tuple[int, dict[str, Any]]:
    key = request.headers.get("Idempotency-Key", "").strip()
    if not key:
        return create()
    if len(key) > 200:
        raise _key_error("at most 200 characters")
    token: ApiToken = request.auth  # type: ignore[attr-defined]
    fingerprint = _fingerprint({"operation": operation, "payload": payload})

    def earlier() -> tuple[int, dict[str, Any]] | None:
        found = IdempotentRequest.objects.filter(token=token, key=key).first()
        if found is None:
            return None
        if found.operation != operation or found.fingerprint != fingerprint:
            raise _key_error("this key was used for another request")
        return found.status, found.body

    answer = earlier()
    if answer is not None:
        return answer
    try:
        with transaction.atomic():
            status, body = create()
            IdempotentRequest.objects.create(
                token=token,
                key=key,
                operation=operation,
                fingerprint=fingerprint,
                status=status,
                body=body,
            )
    except IntegrityError:
        # A concurrent retry committed first: everything here rolled back.
        answer = earlier()
        if answer is None:
            raise
        return answer
    return status, body
