"""Reads of API tokens: a person sees and revokes only their own."""

from typing import Any

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from buddywerk.access.models import User

from .models import ApiToken


def tokens_of(*, user: User) -> QuerySet[ApiToken]:
    return ApiToken.objects.filter(user=user).order_by("-created_at", "-id")


def token_get_own(*, user: User, token_uuid: Any) -> ApiToken:
    """One of the user's own tokens, or 404 (someone else's does not exist for them)."""
    token: ApiToken = get_object_or_404(tokens_of(user=user), uuid=token_uuid)
    return token
