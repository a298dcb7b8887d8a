"""The API's URLs. Every API view is reached without a session (tokens authenticate,
not cookies): `login_not_required` for LoginRequiredMiddleware. The answers django-ninja
gives outside its operations (a method an operation does not take, a path it does not
know) are problem details too, like every other error of the API."""

import hashlib
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.decorators import login_not_required
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseNotModified
from django.urls import URLPattern, re_path
from django.views.decorators.csrf import csrf_exempt

from .api import api_v1
from .problems import MEDIA_TYPE, problem


def _problem_for_bare_errors(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        try:
            response = view(request, *args, **kwargs)
        except Http404:  # the API's root page (only with DEBUG in django-ninja)
            return problem(request, 404)
        if response.status_code == 405 and response.get("Content-Type") != MEDIA_TYPE:
            return problem(request, 405, headers={"Allow": response.get("Allow", "")})
        return conditional(request, response)

    return login_not_required(wrapped)


def conditional(request: HttpRequest, response: HttpResponse) -> HttpResponse:
    """`ETag` on every successful read, and 304 when `If-None-Match` names it (issue 18).
    The tag is a hash of the body as this caller sees it, so it changes with the data and
    with the caller's scope."""
    if request.method != "GET" or response.status_code != 200 or response.streaming:
        return response
    if not response.has_header("ETag"):
        response["ETag"] = '"' + hashlib.sha256(response.content).hexdigest()[:32] + '"'
    wanted = [tag.strip() for tag in request.headers.get("If-None-Match", "").split(",")]
    if response["ETag"] in wanted or "*" in wanted:
        not_modified = HttpResponseNotModified()
        not_modified["ETag"] = response["ETag"]
        return not_modified
    return response


@login_not_required
@csrf_exempt
def not_found(request: HttpRequest) -> HttpResponse:
    return problem(request, 404)


def _patterns(patterns: list[Any]) -> list[Any]:
    for pattern in patterns:
        if isinstance(pattern, URLPattern):
            pattern.callback = _problem_for_bare_errors(pattern.callback)
    return [*patterns, re_path(r"^.*$", not_found, name="not_found")]


_urls, _app_name, _namespace = api_v1.urls
api_v1_urls = (_patterns(list(_urls)), _app_name, _namespace)
