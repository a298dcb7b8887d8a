"""The declared access table: for every route, the outcome for every role.

Each feature area keeps its rows in a module of this package (`ROUTES = [...]`); the
access-matrix test gathers them all. A route that no module declares fails the test.

Outcomes: an HTTP status (200, 403, 404, 405), LOGIN (redirect to the sign-in page) or
REDIRECT (any other redirect). `args` builds the URL kwargs from the test world, always
with the object in scope for the role (out-of-scope objects have their own tests).
"""

import importlib
import pkgutil
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

LOGIN = "login"
REDIRECT = "redirect"


@dataclass(frozen=True)
class Route:
    name: str
    expect: dict[str, int | str]
    args: Callable[[Any], dict[str, Any]] | None = None
    method: str = "get"
    data: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Exempt:
    """Routes under a prefix that are covered elsewhere, with the reason."""

    prefix: str
    reason: str


def outcomes(default: int | str, **per_role: int | str) -> dict[str, int | str]:
    """Expected outcome for every role: `default`, except the roles named."""
    from tests.access.world import ROLES

    return {role: per_role.get(role, default) for role in ROLES}


def all_rows() -> tuple[list[Route], list[Exempt]]:
    routes: list[Route] = []
    exempt: list[Exempt] = []
    for info in pkgutil.iter_modules(__path__):
        module = importlib.import_module(f"{__name__}.{info.name}")
        routes.extend(getattr(module, "ROUTES", []))
        exempt.extend(getattr(module, "EXEMPT", []))
    return routes, exempt
