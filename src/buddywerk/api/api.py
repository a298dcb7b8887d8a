"""The versioned API: /api/v1/ (OpenAPI 3.1 at /api/v1/openapi.json, docs at /api/v1/docs).

A later, incompatible version gets its own NinjaAPI under /api/v2/ beside this one; v1 keeps
its document (docs/api/openapi-v1.json) until it is retired.
"""

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import HttpRequest, HttpResponse
from ninja import NinjaAPI

from .auth import MissingScope, RateLimited
from .routers import open_data, referrals
from .routers.referrals import Conflict

api_v1 = NinjaAPI(
    title="Buddywerk API",
    version="1",
    description=(
        "The same data and rules as the Buddywerk pages. Open data needs no token; "
        "everything else needs a personal API token (docs/api.md)."
    ),
    urls_namespace="api-v1",
    docs_url="/docs",
    openapi_url="/openapi.json",
)
api_v1.add_router("/", open_data.router)
api_v1.add_router("/", referrals.router)


@api_v1.exception_handler(RateLimited)
def _rate_limited(request: HttpRequest, exc: RateLimited) -> HttpResponse:
    response = api_v1.create_response(
        request, {"detail": "Too many calls with this token."}, status=429
    )
    response["Retry-After"] = str(exc.retry_after)
    return response


@api_v1.exception_handler(MissingScope)
def _missing_scope(request: HttpRequest, exc: MissingScope) -> HttpResponse:
    return api_v1.create_response(
        request, {"detail": f"This token lacks the scope {exc.scope}."}, status=403
    )


@api_v1.exception_handler(PermissionDenied)
def _forbidden(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
    return api_v1.create_response(
        request, {"detail": "Your role does not allow this operation."}, status=403
    )


@api_v1.exception_handler(Conflict)
def _conflict(request: HttpRequest, exc: Conflict) -> HttpResponse:
    return api_v1.create_response(request, {"detail": exc.message}, status=409)


@api_v1.exception_handler(DjangoValidationError)
def _refused_by_a_service(request: HttpRequest, exc: DjangoValidationError) -> HttpResponse:
    """A service refused the input (the same message the page shows on its form)."""
    errors = exc.message_dict if hasattr(exc, "error_dict") else {"__all__": exc.messages}
    detail = [
        {"loc": ["body", field], "msg": str(message), "type": "invalid"}
        for field, messages in errors.items()
        for message in messages
    ]
    return api_v1.create_response(request, {"detail": detail}, status=422)
