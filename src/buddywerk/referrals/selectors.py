"""Reads of pupils, families and referrals, always scoped by the access policy."""

from typing import Any

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from buddywerk.access.audit import audit_view

from .models import Pupil


def pupil_list(*, user: Any) -> QuerySet[Pupil]:
    """Pupils the user may see, with their school, for a list without a query per row."""
    return (
        Pupil.objects.visible_to(user).select_related("school").order_by("last_name", "first_name")
    )


def pupil_get_for_view(*, user: Any, pupil_uuid: Any) -> Pupil:
    """One pupil in the user's scope (404 otherwise), with the view written to the audit."""
    pupil = get_object_or_404(pupil_list(user=user), uuid=pupil_uuid)
    audit_view(actor=user, target=pupil)
    return pupil
