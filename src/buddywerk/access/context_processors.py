from django.http import HttpRequest

from . import policy
from .middleware import has_totp


def roles(request: HttpRequest) -> dict[str, object]:
    """The signed-in user's roles, for role-aware navigation, and whether they use 2FA
    (a callable: templates that never ask cost no query)."""
    user = getattr(request, "user", None)
    user_roles = policy.roles_of(user) if user is not None else set()

    def two_factor_enabled() -> bool:
        return bool(user is not None and user.is_authenticated and has_totp(user))

    return {"user_roles": user_roles, "two_factor_enabled": two_factor_enabled}
