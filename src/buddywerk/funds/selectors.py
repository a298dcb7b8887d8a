"""Reads of the funds app, from the policy's scoped querysets (ARCHITECTURE.md 2)."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from buddywerk.access import policy

from .models import Grant, GrantReceipt


def grant_get_for(user: Any, *, grant_uuid: UUID) -> Grant:
    """A grant the user may see, or 404 (never confirming that it exists)."""
    qs = policy.grants_visible_to(
        user, Grant.objects.select_related("fund__programme", "pupil", "requested_by")
    )
    return get_object_or_404(qs, uuid=grant_uuid)


def grant_receipt_get_for(user: Any, *, grant_uuid: UUID, receipt_id: int) -> GrantReceipt:
    """A receipt of a grant the user may see, or 404."""
    grant = grant_get_for(user, grant_uuid=grant_uuid)
    return get_object_or_404(GrantReceipt, grant=grant, pk=receipt_id)


def grants_for(user: Any, *, status: str = "") -> QuerySet[Grant]:
    """The grants the user sees (the policy's scope), newest first, optionally of one
    status."""
    qs = policy.grants_visible_to(
        user, Grant.objects.select_related("fund__programme", "pupil")
    ).order_by("fund__programme__name", "-created_at", "-id")
    if status:
        qs = qs.filter(status=status)
    return qs
