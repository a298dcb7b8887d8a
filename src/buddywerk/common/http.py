"""Request types for views (ARCHITECTURE.md 7).

`LoginRequiredMiddleware` runs before every view that is not marked `login_not_required`,
so such a view always sees a signed-in user. `AuthenticatedHttpRequest` says so to the type
checker: `request.user` is a `User`, never an `AnonymousUser`.
"""

from typing import TYPE_CHECKING

from django.http import HttpRequest

if TYPE_CHECKING:
    from buddywerk.access.models import User

    class AuthenticatedHttpRequest(HttpRequest):
        user: User  # type: ignore[assignment]

else:
    AuthenticatedHttpRequest = HttpRequest
