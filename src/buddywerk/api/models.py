"""Personal API tokens (issue 18, point 2). The token itself is shown once and never
stored: only its SHA-256 (a random 256-bit secret needs no slow hash) and a short prefix
to recognise it in the list."""

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from buddywerk.common.models import TimeStampedModel


class ApiScope(models.TextChoices):
    """What a token may do, per area: read, or write (a write scope does not imply read)."""

    REFERRALS_READ = "referrals:read", _("Referrals: read")
    REFERRALS_WRITE = "referrals:write", _("Referrals: create and withdraw")
    DUOS_READ = "duos:read", _("Duos and meetings: read")
    DUOS_WRITE = "duos:write", _("Duos: log meetings, make proposals")
    BUDDIES_READ = "buddies:read", _("Buddies: read")
    REPORTS_READ = "reports:read", _("Report figures: read")


class ApiTokenQuerySet(models.QuerySet["ApiToken"]):
    def usable(self) -> "ApiTokenQuerySet":
        """Not revoked; expiry is checked against the clock by the caller."""
        return self.filter(revoked_at__isnull=True)


class ApiToken(TimeStampedModel):
    uuid = models.UUIDField(_("public id"), default=uuid.uuid4, unique=True, editable=False)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="api_tokens",
        verbose_name=_("user"),
    )
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
    """The first answer to a create sent with an `Idempotency-Key`, kept per token, so a
    retried POST with the same key returns it and creates nothing (issue 18)."""

    token = models.ForeignKey(
        ApiToken, on_delete=models.CASCADE, related_name="+", verbose_name=_("API token")
    )
    key = models.CharField(_("idempotency key"), max_length=200)
    operation = models.CharField(_("operation"), max_length=80)
    fingerprint = models.CharField(_("request fingerprint"), max_length=64)
    status = models.PositiveSmallIntegerField(_("status"))
    body = models.JSONField(_("response body"))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("idempotent request")
        verbose_name_plural = _("idempotent requests")
        constraints = [
            models.UniqueConstraint(fields=["token", "key"], name="api_unique_idempotency_key")
        ]

    def __str__(self) -> str:
        return f"{self.operation} {self.key}"
