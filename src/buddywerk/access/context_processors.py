from django.http import HttpRequest

from . import policy


def roles(request: HttpRequest) -> dict[str, object]:
    """The signed-in user's roles, for role-aware navigation."""
    user_roles = policy.roles_of(request.user) if hasattr(request, "user") else set()
    return {"user_roles": user_roles}
