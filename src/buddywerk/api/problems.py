"""Errors as problem details (RFC 9457, issue 18 point 4).

Every error of the API is `application/problem+json`: `type` (about:blank: the status says
it all), a `title` and `detail` in the caller's language (Dutch or English, from
`Accept-Language` through LocaleMiddleware), the `status`, the `instance` (the path) and,
for bad input, `errors`: one entry per field with where it is (`query`, `body`,
`header`) and what is wrong. Messages of the page forms and services come through as they
are (already translated); pydantic's own messages are replaced by ours.
"""

from __future__ import annotations

import json
import logging
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpRequest, HttpResponse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from ninja import Schema

logger = logging.getLogger(__name__)

MEDIA_TYPE = "application/problem+json"


class FieldProblem(Schema):
    loc: list[str | int]
    field: str
    detail: str


class Problem(Schema):
    """RFC 9457 problem details."""

    type: str
    title: str
    status: int
    detail: str
    instance: str
    errors: list[FieldProblem] = []


def _titles() -> dict[int, str]:
    return {
        400: _("Bad request"),
        401: _("Not authenticated"),
        403: _("Not allowed"),
        404: _("Not found"),
        405: _("Method not allowed"),
        409: _("Conflict"),
        410: _("Gone"),
        422: _("Invalid input"),
        429: _("Too many requests"),
        500: _("Server error"),
    }


def _pydantic_message(error: dict[str, Any]) -> str:
    """Our own (translated) words for pydantic's error types; a message that came from a
    page form or a service is kept as it is."""
    kind = error.get("type", "")
    if kind == "invalid":  # our own: a form's or service's message, already translated
        return str(error.get("msg", ""))
    messages = {
        "missing": _("This field is required."),
        "int_parsing": _("Enter a whole number."),
        "int_type": _("Enter a whole number."),
        "float_parsing": _("Enter a number."),
        "bool_parsing": _("Enter true or false."),
        "uuid_parsing": _("Enter a valid identifier (UUID)."),
        "uuid_type": _("Enter a valid identifier (UUID)."),
        "string_type": _("Enter text."),
        "list_type": _("Enter a list."),
        "date_from_datetime_parsing": _("Enter a date as YYYY-MM-DD."),
        "date_parsing": _("Enter a date as YYYY-MM-DD."),
        "date_type": _("Enter a date as YYYY-MM-DD."),
        "enum": _("Choose one of the allowed values."),
        "literal_error": _("Choose one of the allowed values."),
        "json_invalid": _("The body is not valid JSON."),
        "model_attributes_type": _("The body must be a JSON object."),
        "dict_type": _("The body must be a JSON object."),
        "model_type": _("The body must be a JSON object."),
    }
    return str(messages.get(kind, _("This value is not valid.")))


def field_problems(errors: list[dict[str, Any]]) -> list[dict[str, Any]]:
    problems = []
    for error in errors:
        loc = [part for part in error.get("loc", []) if part not in ("payload", "filters", "page")]
        field = ".".join(str(part) for part in loc[1:]) or str(loc[0] if loc else "")
        problems.append({"loc": loc, "field": field, "detail": _pydantic_message(error)})
    return problems


def problem(
    request: HttpRequest,
    status: int,
    detail: str | None = None,
    *,
    errors: list[dict[str, Any]] | None = None,
    headers: dict[str, str] | None = None,
) -> HttpResponse:
    title = _titles().get(status, _("Error"))
    body = {
        "type": "about:blank",
        "title": title,
        "status": status,
        "detail": detail or title,
        "instance": request.path,
        "errors": errors or [],
    }
    response = HttpResponse(
        json.dumps(body, cls=DjangoJSONEncoder), status=status, content_type=MEDIA_TYPE
    )
    response["Content-Language"] = get_language()
    for name, value in (headers or {}).items():
        response[name] = value
    return response


# The error statuses an operation may answer, for its OpenAPI responses.
PUBLIC = (422,)
TOKEN = (401, 403, 422, 429)


def responses(ok: dict[int, Any], *statuses: int) -> dict[int, Any]:
    """An operation's responses: its own, and a Problem for each error status."""
    return {**ok, **{status: Problem for status in statuses}}
