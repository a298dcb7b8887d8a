"""Writes of webhook subscriptions: subscribe (the secret shown once), unsubscribe.
Audited; one live subscription per school or service (issue 18)."""

from __future__ import annotations

import secrets

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from buddywerk.access import policy
from buddywerk.access.models import User
from buddywerk.common.audit import AuditAction, audit_record
from buddywerk.organisations.models import Organisation

from .models import WebhookSubscription
from .services import revoke_once
from .webhooks import validate_webhook_url

# Not a secret: the prefix makes a leaked signing secret recognisable.
SECRET_PREFIX = "whsec_"  # noqa: S105


def webhook_subscribe(
    *, actor: User, organisation: Organisation, url: str
) -> tuple[WebhookSubscription, str]:
    """Subscribe `url` for the status changes of `organisation`'s referrals and duos.
    Returns the subscription and its signing secret (shown once). A school has one live
    subscription: it unsubscribes first to change the address."""
    if not policy.can_manage_webhooks(actor):
        raise PermissionDenied
    if organisation.pk not in policy.webhook_organisation_ids(actor):
        raise PermissionDenied
    clean_url = validate_webhook_url(url)
    secret = SECRET_PREFIX + secrets.token_urlsafe(32)
    subscription = WebhookSubscription(
        organisation=organisation, url=clean_url, secret=secret, created_by=actor
    )
    subscription.full_clean(validate_constraints=False)
    already = ValidationError(
        {"url": _("This school already has a webhook. Unsubscribe it first to change it.")}
    )
    try:
        with transaction.atomic():
            Organisation.objects.select_for_update().get(pk=organisation.pk)
            if WebhookSubscription.objects.filter(
                organisation=organisation, revoked_at__isnull=True
            ).exists():
                raise already
            subscription.save()
            audit_record(
                actor=actor,
                action=AuditAction.WEBHOOK_SUBSCRIBE,
                target=subscription,
                detail={"organisation": str(organisation.uuid)},
            )
    except IntegrityError as exc:  # a second subscription at the same moment
        raise already from exc
    return subscription, secret


def webhook_unsubscribe(*, actor: User, subscription: WebhookSubscription) -> WebhookSubscription:
    """Stop the subscription now: no new events; events still waiting are given up at their
    next attempt. A second call changes nothing."""
    if subscription.organisation_id not in policy.webhook_organisation_ids(actor):
        raise PermissionDenied
    return revoke_once(subscription, actor=actor, action=AuditAction.WEBHOOK_UNSUBSCRIBE)
