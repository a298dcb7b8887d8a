"""Writes of API tokens: create (shown once), revoke (immediate). Audited."""

from __future__ import annotations

import hashlib
import ipaddress
import secrets
from datetime import date, datetime, time, timedelta
from typing import cast

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from buddywerk.access import policy
from buddywerk.access.middleware import has_totp
from buddywerk.access.models import User
from buddywerk.common import clock
from buddywerk.common.audit import AuditAction, audit_record

from .models import ApiScope, ApiToken, WebhookSubscription

# Not a secret: the prefix makes a leaked token recognisable to secret scanners.
TOKEN_PREFIX = "bw_"  # noqa: S105
MAX_VALIDITY_DAYS = 365


def token_hash(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def _clean_networks(allowed_ips: list[str]) -> list[str]:
    networks = []
    for text in allowed_ips:
        try:
            networks.append(str(ipaddress.ip_network(text.strip(), strict=False)))
        except ValueError as exc:
            raise ValidationError(
                {"allowed_ips": _("“%(text)s” is not an IP address or network.") % {"text": text}}
            ) from exc
    return networks


def api_token_create(
    *,
    actor: User,
    name: str,
    scopes: list[str],
    expires_on: date,
    allowed_ips: list[str],
) -> tuple[ApiToken, str]:
    """A personal token for a staff member who uses 2FA (issue 18). Returns the token row
    and the secret, which is shown once and stored only as a hash. At most a year."""
    if not policy.can_create_api_tokens(actor) or not has_totp(actor):
        raise PermissionDenied
    today = clock.today()
    errors: dict[str, str] = {}
    if not name.strip():
        errors["name"] = _("Give the token a name.")
    unknown = set(scopes) - set(ApiScope.values)
    if not scopes or unknown:
        errors["scopes"] = _("Choose at least one scope.")
    if expires_on <= today or expires_on > today + timedelta(days=MAX_VALIDITY_DAYS):
        errors["expires_on"] = _("Choose an expiry date within the next year.")
    if errors:
        raise ValidationError(errors)
    networks = _clean_networks(allowed_ips)
    key = TOKEN_PREFIX + secrets.token_urlsafe(32)
    expires_at = timezone.make_aware(datetime.combine(expires_on, time.max))
    with transaction.atomic():
        token = ApiToken(
            user=actor,
            name=name.strip(),
            prefix=key[: len(TOKEN_PREFIX) + 6],
            key_hash=token_hash(key),
            scopes=sorted(set(scopes)),
            expires_at=expires_at,
            allowed_ips=networks,
        )
        token.full_clean()
        token.save()
        audit_record(actor=actor, action=AuditAction.API_TOKEN_CREATE, target=token)
    return token, key


def api_token_revoke(*, actor: User, token: ApiToken) -> ApiToken:
    """Revoke a token now: its next call is refused. Only the owner revokes it (the caller
    found it through `tokens_of`), and a second revocation changes nothing."""
    if token.user_id != actor.pk:
        raise PermissionDenied
    return revoke_once(token, actor=actor, action=AuditAction.API_TOKEN_REVOKE)


@transaction.atomic
def revoke_once[R: ApiToken | WebhookSubscription](
    row: R, *, actor: User, action: AuditAction
) -> R:
    """Revoke a token or a webhook subscription now, audited; a second revocation (at the
    same moment too: the row is locked) changes nothing. The row as stored comes back."""
    locked = cast(R, type(row).objects.select_for_update().get(pk=row.pk))
    if locked.revoked_at is None:
        locked.revoked_at = clock.now()
        locked.save(update_fields=["revoked_at", "updated_at"])
        audit_record(actor=actor, action=action, target=locked)
    return locked
