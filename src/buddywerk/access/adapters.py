import time
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from urllib.parse import quote, urlsplit

from allauth.account import app_settings as account_settings
from allauth.account.adapter import DefaultAccountAdapter
from allauth.account.internal.flows.login import get_authentication_records
from allauth.core import context
from allauth.mfa.models import Authenticator
from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils import translation
from django.utils.html import strip_tags
from django.utils.translation import gettext_lazy as _

from buddywerk.common import throttle
from buddywerk.mail.compose import mail_language, site_url
from buddywerk.mail.outbox import mail_enqueue

from . import login_throttle
from .models import User

# allauth's mails that carry a key or code: a reset link, an address confirmation, a login
# code. The outbox erases their bodies once sent.
SECRET_MAILS = frozenset(
    {
        "password_reset_key",
        "password_reset_code",
        "email_confirmation",
        "email_confirmation_signup",
        "email_confirm",
        "login_code",
    }
)


@dataclass(frozen=True)
class _Site:
    """The site as allauth's mail templates name it ("Hello from ..."): SITE_URL's host,
    not the request's Host header."""

    domain: str

    @property
    def name(self) -> str:
        return self.domain

    def __str__(self) -> str:
        return self.domain


def _site() -> _Site:
    return _Site(urlsplit(str(settings.SITE_URL)).netloc)


class AccountAdapter(DefaultAccountAdapter):
    """Accounts come from the domain's own registration and invitation forms (buddy
    registration, school staff invitations), which create users through services; the
    generic open sign-up page of allauth is closed."""

    error_messages = {
        **DefaultAccountAdapter.error_messages,
        # Say how long to wait: every limit lifts by itself (no permanent lock-out). One
        # message per count of failures (access.login_throttle), with the defaults' times.
        "too_many_login_attempts": _(
            "Too many failed attempts to sign in to this account. "
            "Wait five minutes and try again, or reset your password."
        ),
        "too_many_login_attempts_from_ip": _(
            "Too many failed attempts to sign in from your internet connection. "
            "Wait a minute and try again."
        ),
        "too_many_login_attempts_on_account": _(
            "This account had very many failed sign-in attempts in the last hour, so for now "
            "it can only be used on a device that signed in to it before. Wait an hour, or "
            "reset your password."
        ),
    }
    _throttle_messages = {
        "login-failed:ip": "too_many_login_attempts_from_ip",
        "login-failed:account-ip": "too_many_login_attempts",
        "login-failed:account": "too_many_login_attempts_on_account",
        "login-failed:known-device": "too_many_login_attempts",
    }

    def is_open_for_signup(self, request: HttpRequest) -> bool:
        return False

    def get_client_ip(self, request: HttpRequest) -> str:
        """allauth's own limits (sign-in page, reset) count the same address as ours."""
        return throttle.client_ip(request)

    def pre_authenticate(self, request: HttpRequest, **credentials: Any) -> None:
        """Count this attempt as a failure before the password is checked (so parallel
        guesses cannot slip past the count); `authenticate` takes it back when the password
        was right. See access.login_throttle for the counts and the known device."""
        email = str(credentials.get("email") or credentials.get("username") or "")
        buckets = login_throttle.failure_buckets(
            request, email, known_device=login_throttle.is_known_device(request, email)
        )
        try:
            # allauth's authenticate() rolls this back on success.
            self._login_failed_rl_usage = throttle.consume(*buckets)
        except throttle.Throttled as exc:
            raise self.validation_error(self._throttle_messages[exc.bucket.name]) from None

    def _delete_login_attempts_cached_email(self, request: HttpRequest, **credentials: Any) -> None:
        """After a successful password reset (itself throttled): the account's failures
        no longer count, from anywhere; its owner starts afresh from this address."""
        email = str(credentials.get("email") or "")
        buckets = [
            *login_throttle.failure_buckets(request, email, known_device=False),
            *login_throttle.failure_buckets(request, email, known_device=True),
        ]
        throttle.clear(*[b for b in buckets if b.name != "login-failed:ip"])

    def post_login(
        self, request: HttpRequest, user: AbstractBaseUser, **kwargs: Any
    ) -> HttpResponse:
        """A sign-in is complete (every stage, the second factor included): this browser
        becomes a known device of the account."""
        response = super().post_login(request, user, **kwargs)
        login_throttle.remember_device(request, response, user)
        return response

    # allauth builds its mail links from the request's Host; ours come from SITE_URL, like
    # every other mail's (and a forged Host header cannot steer a reset link elsewhere).

    def get_reset_password_from_key_url(self, key: str) -> str:
        path = reverse("account_reset_password_from_key", kwargs={"uidb36": "UID", "key": "KEY"})
        return site_url(path.replace("UID-KEY", quote(key)))

    def get_email_confirmation_url(
        self, request: HttpRequest | None, emailconfirmation: Any
    ) -> str:
        return site_url(reverse("account_confirm_email", args=[emailconfirmation.key]))

    def send_mail(self, template_prefix: str, email: str, context: dict[str, Any]) -> None:
        """allauth's own mails (address confirmation, password reset, security notices)
        go through the outbox like every other mail: rendered and stored right here, in the
        request's transaction, sent after the commit, retried while SMTP is down. allauth's
        rendering, in the recipient's language (an account's preferred language, else the
        page's); only the final send differs."""
        request = globals()["context"].request
        owner = User.objects.filter(email__iexact=email).only("preferred_language").first()
        language = owner.preferred_language if owner else translation.get_language()
        ours: dict[str, Any] = {"current_site": _site()}
        if "signup_url" in context:  # the mail to an address without an account
            ours["signup_url"] = site_url(reverse("account_signup"))
        with translation.override(mail_language(language)):
            message = self.render_mail(
                template_prefix,
                email,
                {"request": request, "email": email, **context, **ours},
            )
        body, html = message.body, ""
        if getattr(message, "content_subtype", "plain") == "html":
            body, html = strip_tags(message.body), message.body
        for content, mimetype in getattr(message, "alternatives", []):
            if mimetype == "text/html":
                html = str(content)
        name = template_prefix.rsplit("/", 1)[-1]
        mail_enqueue(
            to=email,
            subject=message.subject,
            body=body,
            html=html,
            from_email=message.from_email,
            kind=f"account.{name}",
            sensitive=name in SECRET_MAILS,
        )

    def is_reauthentication_required(self, *, app: str, **kwargs: Any) -> bool:
        """Setting up the first second factor right after signing in needs no second
        password prompt: the password was typed moments ago. Staff are sent to that set-up
        straight after their login (RequireMfaMiddleware), and asking again there, and
        again for the recovery codes made with it, only makes the required step harder.

        So within allauth's reauthentication timeout after a password login, the MFA pages
        ask no password again as long as every factor of the user was added after that
        login. Changing or removing a factor that existed before still asks again."""
        required = super().is_reauthentication_required(app=app, **kwargs)
        if not required or app != "allauth.mfa":
            return required
        request = self.request or context.request
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return required
        logins = [
            r["at"]
            for r in get_authentication_records(request, user)
            if r.get("method") == "password" and isinstance(r.get("at"), int | float)
        ]
        if not logins:
            return required
        signed_in_at = max(logins)
        if time.time() - signed_in_at >= account_settings.REAUTHENTICATION_TIMEOUT:
            return required
        older_factor = Authenticator.objects.filter(
            user=user, created_at__lt=datetime.fromtimestamp(signed_in_at, tz=UTC)
        ).exists()
        return older_factor
