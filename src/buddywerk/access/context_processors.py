"""What every template may ask about the signed-in user: `can` and `two_factor_enabled`."""

import inspect
from collections.abc import Callable
from typing import Any

from django.http import HttpRequest

from . import policy
from .middleware import has_totp

# name -> the policy's predicate of the user alone (or None): looked up once per process,
# not once per request (inspect.signature is not free, and a menu asks ~30 of them).
_PREDICATES: dict[str, Callable[[Any], bool] | None] = {}


def _predicate(name: str) -> Callable[[Any], bool] | None:
    if name not in _PREDICATES:
        predicate = getattr(policy, f"can_{name}", None)
        if predicate is not None and len(inspect.signature(predicate).parameters) != 1:
            predicate = None
        _PREDICATES[name] = predicate
    return _PREDICATES[name]


class Can:
    """`{% if can.list_trajectories %}` asks `policy.can_list_trajectories(user)`.

    Templates decide what to show with the policy's own named predicates, never with a role
    string, so a menu item appears exactly when its page answers. Only predicates of the
    user alone are reachable here (a question about one object is the view's: it passes
    the answer); an unknown name is an error, so a typo cannot hide a menu silently.
    Answers are computed on first use and kept for the request.
    """

    def __init__(self, user: Any) -> None:
        self._user = user
        self._answers: dict[str, bool] = {}

    def __getattr__(self, name: str) -> bool:
        if name.startswith("_"):
            raise AttributeError(name)
        if name not in self._answers:
            predicate = _predicate(name)
            if predicate is None:
                raise AttributeError(f"policy has no predicate can_{name}(user)")
            self._answers[name] = bool(predicate(self._user))
        return self._answers[name]


def access(request: HttpRequest) -> dict[str, object]:
    """`can` for the signed-in (or anonymous) user, and whether they use 2FA (a callable:
    templates that never ask cost no query)."""
    user = getattr(request, "user", None)

    def two_factor_enabled() -> bool:
        return bool(user is not None and user.is_authenticated and has_totp(user))

    return {"can": Can(user), "two_factor_enabled": two_factor_enabled}
