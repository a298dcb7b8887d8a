"""Request id for logs and audit rows, and no-store caching for pages with personal data."""

import logging
import re
import time
import uuid
from collections.abc import Callable

from django.core.signals import request_finished
from django.http import HttpRequest, HttpResponse

from .logs import ContextFilter, request_id_var

access_logger = logging.getLogger("buddywerk.request")
# An id the load balancer sent along (X-Request-ID) is kept when it looks like one, so its
# logs and ours correlate; anything else is replaced (it would end up in every log line).
_INCOMING_ID = re.compile(r"[A-Za-z0-9._-]{8,64}")
# Probes of the load balancer: one line each would drown the log at INFO.
_QUIET_ROUTES = {"healthz", "readyz"}


def current_request_id() -> str:
    """The id of the request being handled (in a task: of the request that enqueued it),
    or "" outside one (commands, scheduled jobs)."""
    return request_id_var.get()


class RequestIdMiddleware:
    """Give every request an id (echoed in X-Request-ID) that logs, audit events and the
    tasks it enqueues carry, and write one access line per request: method, URL route (the
    pattern, never the path, which can hold a secret key), status and duration."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        incoming = request.headers.get("X-Request-ID", "")
        request_id = incoming if _INCOMING_ID.fullmatch(incoming) else uuid.uuid4().hex
        # Not reset here: Django's own "Not Found"/"Internal Server Error" lines come after
        # the middleware returns. `request_finished` clears it (below).
        request_id_var.set(request_id)
        started = time.perf_counter()
        response = self.get_response(request)
        match = request.resolver_match
        route = match.route if match else "-"
        access_logger.log(
            logging.DEBUG if match and match.url_name in _QUIET_ROUTES else logging.INFO,
            "%s %s %s",
            request.method,
            route,
            response.status_code,
            extra={
                "method": request.method,
                "route": route,
                "status": response.status_code,
                "duration_ms": round((time.perf_counter() - started) * 1000, 1),
            },
        )
        response["X-Request-ID"] = request_id
        return response


def _forget_request_id(**kwargs: object) -> None:
    request_id_var.set("")


request_finished.connect(_forget_request_id, dispatch_uid="buddywerk-request-id")


# The filter's old name (settings of earlier releases name it).
RequestIdLogFilter = ContextFilter


class NoStoreMiddleware:
    """No browser or proxy may keep a copy of a page that may hold personal data.

    Every signed-in response is no-store; a public page is too, unless its view chose a
    cache policy of its own (static files never reach this: whitenoise answers first).
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        user = getattr(request, "user", None)
        signed_in = user is not None and user.is_authenticated
        if signed_in or not response.has_header("Cache-Control"):
            response["Cache-Control"] = "no-store, private"
        return response
