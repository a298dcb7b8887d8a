"""Reads of webhook subscriptions and their delivery log: staff see only their own school's
(or service's); another school's subscription does not exist for them (404)."""

from typing import Any

from django.db.models import Prefetch, QuerySet
from django.shortcuts import get_object_or_404

from buddywerk.access import policy
from buddywerk.access.models import User
from buddywerk.organisations.models import Organisation

from .models import WebhookAttempt, WebhookDelivery, WebhookSubscription


def webhook_organisations(*, user: User) -> QuerySet[Organisation]:
    return Organisation.objects.filter(pk__in=policy.webhook_organisation_ids(user)).order_by(
        "name", "pk"
    )


def webhook_subscriptions(*, user: User) -> QuerySet[WebhookSubscription]:
    """The user's schools' subscriptions, live and revoked, newest first."""
    return (
        WebhookSubscription.objects.filter(
            organisation_id__in=policy.webhook_organisation_ids(user)
        )
        .select_related("organisation")
        .order_by("-created_at", "-id")
    )


def webhook_subscription_get(*, user: User, subscription_uuid: Any) -> WebhookSubscription:
    subscription: WebhookSubscription = get_object_or_404(
        webhook_subscriptions(user=user), uuid=subscription_uuid
    )
    return subscription


def webhook_deliveries(*, user: User) -> QuerySet[WebhookDelivery]:
    """The delivery log of the user's schools, each with its attempts (one query more)."""
    return (
        WebhookDelivery.objects.filter(
            subscription__organisation_id__in=policy.webhook_organisation_ids(user)
        )
        .select_related("subscription")
        .prefetch_related(
            Prefetch("attempt_log", queryset=WebhookAttempt.objects.order_by("at", "id"))
        )
    )
