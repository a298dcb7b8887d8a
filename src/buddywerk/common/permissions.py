"""The one guard of write services: ask the policy, refuse with PermissionDenied.

Who may do what is decided in access/policy.py (ARCHITECTURE.md 3); a service only passes
the policy's answer here, so every service refuses in the same way.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied

if TYPE_CHECKING:
    from buddywerk.access.models import User


def check_allowed(actor: User | None, allowed: bool | Callable[[User], bool]) -> None:
    """Raise PermissionDenied unless the policy said yes to `actor`.

    `actor=None` is the system (demo data, scheduled jobs, management commands): it acts on
    its own authority and is not asked. `allowed` is the policy's answer, or a predicate
    taking the actor when the question cannot be asked without one; a predicate is only
    called for a person."""
    if actor is None:
        return
    if not (allowed(actor) if callable(allowed) else allowed):
        raise PermissionDenied
