"""Two-factor authentication before personal data."""

from collections.abc import Callable

from allauth.mfa.models import Authenticator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse

from . import policy

# Paths a user who still has to set up 2FA may reach: the account pages (to set it up,
# or to sign out), the language switch and static files. Nothing with personal data. The
# API never reads the session: its tokens are only made after 2FA (buddywerk.api).
_ALLOWED_PREFIXES = ("/accounts/", "/i18n/", "/static/", "/privacy/", "/api/v1/")


class RequireMfaMiddleware:
    """Send a user whose role reaches personal data to the 2FA set-up until they have a TOTP
    authenticator. Holds for every page, the admin included."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        gated = not request.path.startswith(_ALLOWED_PREFIXES)
        if user.is_authenticated:
            # memberships, buddy status and (here) the authenticator: one query
            policy.read_user_facts(user, totp=gated)
        if user.is_authenticated and gated and policy.requires_mfa(user) and not has_totp(user):
            return redirect(reverse("mfa_activate_totp") + "?required=1")
        return self.get_response(request)


def has_totp(user: object) -> bool:
    """Whether the user has an active TOTP authenticator (cached per request)."""
    cached = getattr(user, "_buddywerk_has_totp", None)
    if cached is None:
        cached = Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()
        user._buddywerk_has_totp = cached  # type: ignore[attr-defined]
    return cached
