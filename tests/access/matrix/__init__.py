"""The declared access table: for every route, the outcome for every principal.

Each feature area keeps its rows in a module of this package (`ROUTES = [...]`); the
access-matrix test gathers them all. A route that no module declares fails the test.

Principals: anonymous, one insider per role, and the outsiders of tests/access/world.py
(people of the same role who are not on the record: an approved buddy of another duo, a
declined and an unscreened applicant, staff of another school, the coordinator of another
programme). `args` builds the URL kwargs from the test world, always with the object in
scope for the insider of the role; the outsiders ask for that same object.

Outcomes: an HTTP status (200, 403, 404, 405), LOGIN (redirect to the sign-in page) or
REDIRECT (any other redirect). Two helpers keep rows short: `outcomes()` gives every
principal not named the default (object routes: 404 for outsiders), `role_outcomes()`
gives each outsider not named the outcome of the role it shadows (pages without an
object, such as lists scoped to the user).
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
    """Expected outcome for every principal: `default`, except those named."""
    from tests.access.world import ROLES

    unknown = set(per_role) - set(ROLES)
    assert not unknown, f"Not a principal of the world: {sorted(unknown)}"
    return {role: per_role.get(role, default) for role in ROLES}


def role_outcomes(default: int | str, **per_role: int | str) -> dict[str, int | str]:
    """Like `outcomes`, but an outsider not named gets the outcome of the role it shadows
    (for pages without an object, where the same role sees its own scope)."""
    from tests.access.world import OUTSIDERS

    expect = outcomes(default, **per_role)
    for outsider, role in OUTSIDERS.items():
        if outsider not in per_role:
            expect[outsider] = expect[role]
    return expect


# Outsiders on an object of someone else's: the object does not exist for them.
OUTSIDERS_404 = {
    "buddy_other_duo": 404,
    "declined_applicant": 404,
    "pending_applicant": 404,
    "school_staff_other_school": 404,
    "coordinator_other_programme": 404,
    "supervisor_other_institution": 404,
    "regional_coordinator_other_province": 404,
    "service_staff_other_service": 404,
}
# Applicants who are not (or no longer) approved hold no buddy's rights.
APPLICANTS_403 = {"declined_applicant": 403, "pending_applicant": 403}


def all_rows() -> tuple[list[Route], list[Exempt]]:
    routes: list[Route] = []
    exempt: list[Exempt] = []
    for info in pkgutil.iter_modules(__path__):
        module = importlib.import_module(f"{__name__}.{info.name}")
        routes.extend(getattr(module, "ROUTES", []))
        exempt.extend(getattr(module, "EXEMPT", []))
    return routes, exempt
