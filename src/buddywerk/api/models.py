"""Personal API tokens (issue 18, point 2). The token itself is shown once and never
stored: only its SHA-256 (a random 256-bit secret needs no slow hash) and a short prefix
to recognise it in the list."""

import uuid

from django.db import models
from django.utils.translation import gettext_lazy as _

from buddywerk.common.fields import ByUserField, ParentKey, UserField
from buddywerk.common.models import PublicModel


class ApiScope(models.TextChoices):
    """What a token may do, per area: read, or write (a write scope does not imply read)."""

    REFERRALS_READ = "referrals:read", _("Referrals: read")
    REFERRALS_WRITE = "referrals:write", _("Referrals: create and withdraw")
    DUOS_READ = "duos:read", _("Duos and meetings: read")
    DUOS_WRITE = "duos:write", _("Duos: log meetings, make proposals")
    BUDDIES_READ = "buddies:read", _("Buddies: read")
    REPORTS_READ = "reports:read", _("Report figures: read")
    WEBHOOKS_READ = "webhooks:read", _("Webhooks: read the subscription and delivery log")
    WEBHOOKS_WRITE = "webhooks:write", _("Webhooks: subscribe and unsubscribe")


class ApiTokenQuerySet(models.QuerySet["ApiToken"]):
    def usable(self) -> "ApiTokenQuerySet":
        """Not revoked; expiry is checked against the clock by the caller."""
        return self.filter(revoked_at__isnull=True)


class ApiToken(PublicModel):
    user = UserField(_("user"), on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(_("name"), max_length=80)
    prefix = models.CharField(_("prefix"), max_length=12)
    key_hash = models.CharField(_("hash of the token"), max_length=64, unique=True)
    scopes = models.JSONField(_("scopes"), default=list)
    expires_at = models.DateTimeField(_("expires at"))
    allowed_ips = models.JSONField(
        _("allowed addresses"),
        default=list,
        blank=True,
        help_text=_("Addresses or networks (CIDR) the token may be used from; empty: any."),
    )
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    last_used_at = models.DateTimeField(_("last used at"), null=True, blank=True)

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"


class IdempotentRequest(models.Model):
    """A create sent with an `Idempotency-Key`, kept per token for a day, so a retried POST
    with the same key answers again and creates nothing (issue 18). No answer is kept, only
    the status and the public id of what was created: a retry rebuilds the answer from it,
    so no personal data lives here (api/idempotency.py)."""

    token = ParentKey(ApiToken, _("API token"), related_name="+")
    key = models.CharField(_("idempotency key"), max_length=200)
    operation = models.CharField(_("operation"), max_length=80)
    fingerprint = models.CharField(_("request fingerprint"), max_length=64)
    status = models.PositiveSmallIntegerField(_("status"))
    created = models.UUIDField(_("created object"))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("idempotent request")
        verbose_name_plural = _("idempotent requests")
        constraints = [
            models.UniqueConstraint(fields=["token", "key"], name="api_unique_idempotency_key")
        ]
        indexes = [models.Index(fields=["created_at"], name="idempotentrequest_age_idx")]

    def __str__(self) -> str:
        return f"{self.operation} {self.key}"


class WebhookSubscription(PublicModel):
    """A school's (or service's) one HTTPS address that hears of status changes of its
    referrals and duos (issue 18). The secret signs every delivery (HMAC-SHA256); it is
    shown once, at subscription, and kept here because signing needs it."""

    organisation = ParentKey(
        "organisations.Organisation", _("school or service"), related_name="webhook_subscriptions"
    )
    url = models.URLField(_("address"), max_length=500)
    secret = models.CharField(_("signing secret"), max_length=100, editable=False)
    created_by = ByUserField(_("created by"), blank=False)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)

    class Meta:
        verbose_name = _("webhook subscription")
        verbose_name_plural = _("webhook subscriptions")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation"],
                condition=models.Q(revoked_at__isnull=True),
                name="api_one_webhook_per_organisation",
            )
        ]

    def __str__(self) -> str:
        return f"{self.organisation_id}: {self.url}"


class WebhookDelivery(models.Model):
    """One event for one subscription, stored in the transaction of the status change and
    sent after the commit; retried with backoff until it is given up (api/webhooks.py).
    The payload holds public ids and statuses only, never a name."""

    uuid = models.UUIDField(_("event id"), default=uuid.uuid4, unique=True, editable=False)
    subscription = ParentKey(
        WebhookSubscription, _("webhook subscription"), related_name="deliveries"
    )
    event = models.CharField(_("event"), max_length=50)
    payload = models.JSONField(_("payload"))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt at"))
    delivered_at = models.DateTimeField(_("delivered at"), null=True, blank=True)
    given_up_at = models.DateTimeField(_("given up at"), null=True, blank=True)
    claim = models.UUIDField(_("claim"), null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("webhook delivery")
        verbose_name_plural = _("webhook deliveries")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(
                fields=["next_attempt_at"],
                name="webhookdelivery_due_idx",
                condition=models.Q(delivered_at__isnull=True, given_up_at__isnull=True),
            ),
            models.Index(fields=["claim"], name="webhookdelivery_claim_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.event} {self.uuid}"


class WebhookAttempt(models.Model):
    """One try to deliver an event: when, the receiver's status code (none when it could
    not be reached) and a short error. The school reads these in its delivery log."""

    delivery = ParentKey(WebhookDelivery, _("webhook delivery"), related_name="attempt_log")
    at = models.DateTimeField(_("at"))
    status_code = models.PositiveSmallIntegerField(_("status code"), null=True, blank=True)
    error = models.CharField(_("error"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("webhook attempt")
        verbose_name_plural = _("webhook attempts")
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.delivery_id} {self.at:%Y-%m-%d %H:%M} {self.status_code or self.error}"
