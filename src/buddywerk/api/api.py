"""The versioned API: /api/v1/ (OpenAPI 3.1 at /api/v1/openapi.json, docs at /api/v1/docs).

A later, incompatible version gets its own NinjaAPI under /api/v2/ beside this one; v1 keeps
its document (docs/api/openapi-v1.json) until it is retired. Every error is a problem
details document (problems.py).
"""

import logging
from typing import Any

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError
from ninja.operation import Operation

from .auth import MissingScope, RateLimited
from .idempotency import Gone
from .problems import MEDIA_TYPE, field_problems, problem
from .routers import (
    duos,
    family_referrals,
    figures,
    open_data,
    practices,
    programmes_buddies,
    programmes_proposals,
    referrals,
    webhooks,
)
from .routers.referrals import Conflict

logger = logging.getLogger(__name__)


class BuddywerkAPI(NinjaAPI):
    def get_openapi_operation_id(self, operation: Operation) -> str:
        """An operation's id is its view function's name (ninja would prefix the module)."""
        return operation.view_func.__name__

    def get_openapi_schema(self, **kwargs: Any) -> Any:
        """Error responses are documented with the media type they are sent with."""
        schema = super().get_openapi_schema(**kwargs)
        for path in schema["paths"].values():
            for method, operation in path.items():
                if method == "get":
                    # Every read answers with an ETag and honours If-None-Match (urls.py).
                    operation["responses"].setdefault(
                        304, {"description": "Not modified: the ETag sent in If-None-Match"}
                    )
                    ok = operation["responses"].get(200, {})
                    ok.setdefault("headers", {})["ETag"] = {
                        "description": "The version of this answer, for If-None-Match",
                        "schema": {"type": "string"},
                    }
                for status, response in operation.get("responses", {}).items():
                    content = response.get("content", {})
                    if int(status) >= 400 and "application/json" in content:
                        content[MEDIA_TYPE] = content.pop("application/json")
        return schema


api_v1 = BuddywerkAPI(
    title="Buddywerk API",
    version="1",
    description=(
        "The same data and rules as the Buddywerk pages. Open data needs no token; "
        "everything else needs a personal API token (docs/api.md). Every error is "
        "application/problem+json (RFC 9457), in Dutch or English per Accept-Language."
    ),
    urls_namespace="api-v1",
    docs_url="/docs",
    openapi_url="/openapi.json",
)
api_v1.add_router("/", open_data.router)
api_v1.add_router("/", practices.router)
# Before the referrals router: its /referrals/{uuid} would take /referrals/family.
api_v1.add_router("/", family_referrals.router)
api_v1.add_router("/", referrals.router)
api_v1.add_router("/", duos.router)
api_v1.add_router("/", programmes_buddies.router)
api_v1.add_router("/", programmes_proposals.router)
api_v1.add_router("/", figures.router)
api_v1.add_router("/", webhooks.router)


@api_v1.exception_handler(ValidationError)
def _invalid(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    return problem(
        request,
        422,
        _("Some fields are not valid."),
        errors=field_problems(list(exc.errors)),
    )


@api_v1.exception_handler(DjangoValidationError)
def _refused_by_a_service(request: HttpRequest, exc: DjangoValidationError) -> HttpResponse:
    """A service refused the input: the same message the page shows on its form."""
    errors = exc.message_dict if hasattr(exc, "error_dict") else {"__all__": exc.messages}
    return problem(
        request,
        422,
        "; ".join(str(m) for messages in errors.values() for m in messages),
        errors=[
            {"loc": ["body", field], "field": field, "detail": str(message)}
            for field, messages in errors.items()
            for message in messages
        ],
    )


@api_v1.exception_handler(AuthenticationError)
def _unauthenticated(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    return problem(
        request,
        401,
        _("Send a valid personal API token: Authorization: Bearer <token>."),
        headers={"WWW-Authenticate": 'Bearer realm="buddywerk"'},
    )


@api_v1.exception_handler(RateLimited)
def _rate_limited(request: HttpRequest, exc: RateLimited) -> HttpResponse:
    return problem(
        request,
        429,
        _("Too many calls with this token. Try again in %(seconds)s seconds.")
        % {"seconds": exc.retry_after},
        headers={"Retry-After": str(exc.retry_after)},
    )


@api_v1.exception_handler(MissingScope)
def _missing_scope(request: HttpRequest, exc: MissingScope) -> HttpResponse:
    return problem(request, 403, _("This token lacks the scope %(scope)s.") % {"scope": exc.scope})


@api_v1.exception_handler(PermissionDenied)
def _forbidden(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
    return problem(request, 403, _("Your role does not allow this."))


@api_v1.exception_handler(Http404)
def _not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    # The same answer whether the object does not exist or is outside the caller's scope.
    return problem(request, 404, _("There is nothing here, or it is not yours to see."))


@api_v1.exception_handler(Conflict)
def _conflict(request: HttpRequest, exc: Conflict) -> HttpResponse:
    return problem(request, 409, exc.message)


@api_v1.exception_handler(Gone)
def _gone(request: HttpRequest, exc: Gone) -> HttpResponse:
    return problem(
        request,
        410,
        _(
            "This Idempotency-Key was used for an earlier request, but what it created is "
            "gone or no longer yours to see. Use a new key to create it again."
        ),
    )


@api_v1.exception_handler(HttpError)
def _http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    return problem(request, exc.status_code)


@api_v1.exception_handler(Exception)
def _server_error(request: HttpRequest, exc: Exception) -> HttpResponse:
    logger.exception(
        "API error on %s", request.resolver_match.route if request.resolver_match else ""
    )
    return problem(request, 500, _("Something went wrong on our side. It was logged."))
