"""Webhooks for a school or service (issue 18): one HTTPS address per school hears of the
status changes of its referrals and duos, signed with a secret shown once; the delivery log
says what was sent, when, and what the receiver answered. The same services and selectors
as the profile page "Webhooks" (api/webhook_views.py)."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.utils.translation import gettext as _
from ninja import Header, Query, Router, Schema, Status

from buddywerk.access import policy
from buddywerk.common.http import AuthenticatedHttpRequest

from .. import webhook_selectors as selectors
from .. import webhook_services as services
from ..auth import token_operation
from ..idempotency import idempotent
from ..models import ApiScope, WebhookDelivery, WebhookSubscription
from ..pagination import PageQuery, cursor_page

router = Router(tags=["webhooks"])


class WebhookOut(Schema):
    uuid: UUID
    school: UUID
    url: str
    created_at: datetime
    revoked_at: datetime | None


class WebhookCreatedOut(WebhookOut):
    secret: str


class WebhookPage(Schema):
    items: list[WebhookOut]
    next_cursor: str | None


class WebhookIn(Schema):
    """`school` only when you work for several schools or services."""

    url: str
    school: UUID | None = None


class AttemptOut(Schema):
    at: datetime
    status_code: int | None
    error: str


class DeliveryOut(Schema):
    id: UUID
    event: str
    created_at: datetime
    attempts: int
    delivered_at: datetime | None
    given_up_at: datetime | None
    next_attempt_at: datetime | None
    payload: dict[str, Any]
    log: list[AttemptOut]


class DeliveryPage(Schema):
    items: list[DeliveryOut]
    next_cursor: str | None


def webhook_out(subscription: WebhookSubscription) -> WebhookOut:
    return WebhookOut(
        uuid=subscription.uuid,
        school=subscription.organisation.uuid,
        url=subscription.url,
        created_at=subscription.created_at,
        revoked_at=subscription.revoked_at,
    )


def delivery_out(delivery: WebhookDelivery) -> DeliveryOut:
    pending = delivery.delivered_at is None and delivery.given_up_at is None
    return DeliveryOut(
        id=delivery.uuid,
        event=delivery.event,
        created_at=delivery.created_at,
        attempts=delivery.attempts,
        delivered_at=delivery.delivered_at,
        given_up_at=delivery.given_up_at,
        next_attempt_at=delivery.next_attempt_at if pending else None,
        payload=delivery.payload,
        log=[
            AttemptOut(at=a.at, status_code=a.status_code, error=a.error)
            for a in delivery.attempt_log.all()
        ],
    )


def _guard(request: AuthenticatedHttpRequest) -> None:
    if not policy.can_manage_webhooks(request.user):
        raise PermissionDenied


@router.get(
    "/webhooks",
    **token_operation(ApiScope.WEBHOOKS_READ, {200: WebhookPage}),
    summary="Your school's webhook subscriptions (live and revoked)",
)
def webhook_list(request: AuthenticatedHttpRequest, page: Query[PageQuery]) -> WebhookPage:
    _guard(request)
    rows, next_cursor = cursor_page(
        selectors.webhook_subscriptions(user=request.user),
        page,
        key=("created_at", "id"),
        descending=True,
    )
    return WebhookPage(items=[webhook_out(s) for s in rows], next_cursor=next_cursor)


@router.post(
    "/webhooks",
    **token_operation(ApiScope.WEBHOOKS_WRITE, {201: WebhookCreatedOut}, 400, 404, 410),
    summary="Subscribe your school's address for status changes",
)
def webhook_subscribe(
    request: AuthenticatedHttpRequest,
    payload: WebhookIn,
    idempotency_key: str | None = Header(None, alias="Idempotency-Key"),  # noqa: B008
) -> Status[dict[str, Any]]:
    """One https:// address per school; the answer holds the signing `secret`, shown only
    here (docs/api.md says how to check a signature). Refused (422) for an address that is
    not https or points to a private or local network."""
    _guard(request)
    organisations = selectors.webhook_organisations(user=request.user)
    if payload.school is not None:
        organisation = organisations.filter(uuid=payload.school).first()
        if organisation is None:
            raise Http404
    elif organisations.count() == 1:
        organisation = organisations.get()
    else:
        raise ValidationError({"school": _("Choose the school or service.")})

    def create() -> UUID:
        subscription, _secret = services.webhook_subscribe(
            actor=request.user, organisation=organisation, url=payload.url
        )
        return subscription.uuid

    def answer(subscription_uuid: UUID) -> dict[str, Any] | None:
        # A retry shows the secret again, as the first answer did: it is kept on the
        # subscription for signing, so the store need not hold it.
        subscription = (
            selectors.webhook_subscriptions(user=request.user)
            .filter(uuid=subscription_uuid)
            .first()
        )
        if subscription is None:
            return None
        out = WebhookCreatedOut(**webhook_out(subscription).dict(), secret=subscription.secret)
        return out.model_dump(mode="json")

    return idempotent(
        request, operation="webhook_subscribe", payload=payload.dict(), create=create, answer=answer
    )


@router.get(
    "/webhooks/{webhook_uuid}",
    **token_operation(ApiScope.WEBHOOKS_READ, {200: WebhookOut}, 404),
    summary="One of your school's webhook subscriptions",
)
def webhook_get(request: AuthenticatedHttpRequest, webhook_uuid: UUID) -> WebhookOut:
    """Another school's subscription answers 404, as one that does not exist (so does any
    subscription for a role without one)."""
    return webhook_out(
        selectors.webhook_subscription_get(user=request.user, subscription_uuid=webhook_uuid)
    )


@router.post(
    "/webhooks/{webhook_uuid}/unsubscribe",
    **token_operation(ApiScope.WEBHOOKS_WRITE, {200: WebhookOut}, 404),
    summary="Stop a webhook subscription now",
)
def webhook_unsubscribe(request: AuthenticatedHttpRequest, webhook_uuid: UUID) -> WebhookOut:
    """No new events; events still waiting are given up. A second call changes nothing."""
    subscription = selectors.webhook_subscription_get(
        user=request.user, subscription_uuid=webhook_uuid
    )
    return webhook_out(services.webhook_unsubscribe(actor=request.user, subscription=subscription))


@router.get(
    "/webhooks/{webhook_uuid}/deliveries",
    **token_operation(ApiScope.WEBHOOKS_READ, {200: DeliveryPage}, 404),
    summary="The delivery log of a webhook subscription",
)
def webhook_deliveries(
    request: AuthenticatedHttpRequest, webhook_uuid: UUID, page: Query[PageQuery]
) -> DeliveryPage:
    """Newest event first, each with every attempt: when, the status code your address
    answered (none when it could not be reached) and a short error."""
    subscription = selectors.webhook_subscription_get(
        user=request.user, subscription_uuid=webhook_uuid
    )
    rows, next_cursor = cursor_page(
        selectors.webhook_deliveries(user=request.user).filter(subscription=subscription),
        page,
        key=("created_at", "id"),
        descending=True,
    )
    return DeliveryPage(items=[delivery_out(d) for d in rows], next_cursor=next_cursor)
