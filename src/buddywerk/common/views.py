"""Pages that belong to no domain: errors and the privacy statement."""

import sys

from django.contrib.auth.decorators import login_not_required
from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string


@login_not_required
def privacy(request: HttpRequest) -> HttpResponse:
    """The privacy notice, with the retention schedule drawn from its one table."""
    from buddywerk.privacy.schedule import SCHEDULE

    return render(request, "common/privacy.html", {"schedule": SCHEDULE})


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "403.html", status=403)


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "404.html", status=404)


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """A form sent without a valid security token: often a page left open for hours, or
    cookies blocked. Django's own page is technical and formal; this one says what to do.
    The reason stays out of the page (it is for developers, and in the log)."""
    return render(request, "csrf_failure.html", status=403)


def server_error(request: HttpRequest) -> HttpResponse:
    """500, or 503 with a "try again shortly" page when the database cannot be reached
    (an outage or a restart of PostgreSQL: issue 17, point 6). Django calls this inside
    its exception handler, so the exception is the one being handled. Nothing here may
    touch the database: no context processors, no session, no user."""
    exception = sys.exc_info()[1]
    if isinstance(exception, OperationalError | InterfaceError):
        response = HttpResponse(render_to_string("503.html"), status=503)
        response["Retry-After"] = "30"
        return response
    return HttpResponse(render_to_string("500.html"), status=500)
