"""Writing a mail: the one way every app puts a mail in the outbox (issue 12, point 6).

The service that causes a mail calls `mail_to_users` (or `mail_to_address` for an address
without an account) inside its own transaction. The mail is rendered there and then, in
each recipient's language, and stored as an OutgoingMail row that commits, or rolls back,
with the write that caused it. The worker only sends it (outbox.py); nothing renders a mail
after the commit, so a process that dies between the commit and the enqueue of the send
task loses nothing: `retry_due_mail` (the scheduler) sends what is left.

A mail is two templates, `<template>_subject.txt` and `<template>_body.txt` (plain text,
`{% autoescape off %}`). The subject gets the site's prefix and is folded onto one line;
it never names a pupil (the callers see to it). Every link in a mail is built on the
SITE_URL setting with `site_url(path)`: no request, task or command passes an address.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from .outbox import mail_enqueue

if TYPE_CHECKING:
    from buddywerk.access.models import User

    from .models import OutgoingMail


def site_url(path: str) -> str:
    """The absolute address of `path` (from `reverse`) on this site, for a link in a mail."""
    return str(settings.SITE_URL).rstrip("/") + path


def password_set_url(user: User) -> str:
    """allauth's "choose a new password" link for `user`: the invitation of an account made
    without a password (a school's staff, imported buddies). It holds a secret token, so the
    mail that carries it is `sensitive`."""
    from allauth.account import app_settings
    from allauth.account.utils import user_pk_to_url_str

    key = app_settings.PASSWORD_RESET_TOKEN_GENERATOR().make_token(user)
    return site_url(
        reverse(
            "account_reset_password_from_key",
            kwargs={"uidb36": user_pk_to_url_str(user), "key": key},
        )
    )


def mail_language(language: str | None) -> str:
    """`language` if the site offers it, else the site's own language (Dutch)."""
    offered = {code for code, _name in settings.LANGUAGES}
    return language if language in offered else settings.LANGUAGE_CODE


def _write(
    *,
    to: str,
    language: str | None,
    template: str,
    context: Mapping[str, Any],
    kind: str,
    sensitive: bool,
) -> OutgoingMail:
    with translation.override(mail_language(language)):
        subject = render_to_string(f"{template}_subject.txt", dict(context))
        body = render_to_string(f"{template}_body.txt", dict(context))
    return mail_enqueue(
        to=to,
        subject=settings.ACCOUNT_EMAIL_SUBJECT_PREFIX + " ".join(subject.split()),
        body=body,
        kind=kind,
        sensitive=sensitive,
    )


def mail_to_users(
    *,
    users: Iterable[User],
    template: str,
    kind: str,
    context: Mapping[str, Any] | None = None,
    sensitive: bool = False,
) -> list[OutgoingMail]:
    """One mail to each of `users`, rendered in the user's preferred language, stored in
    the current transaction. The templates get `context` plus `user` and `name` (the first
    name, else the address). `kind` names the mail in the outbox (e.g. "matching.proposed");
    `sensitive`: the body holds a secret link, erased once sent (see outbox.py)."""
    return [
        _write(
            to=user.email,
            language=user.preferred_language,
            template=template,
            context={"user": user, "name": user.first_name or user.email, **(context or {})},
            kind=kind,
            sensitive=sensitive,
        )
        for user in users
    ]


def mail_to_address(
    *,
    to: str,
    language: str | None,
    template: str,
    kind: str,
    context: Mapping[str, Any] | None = None,
    sensitive: bool = False,
) -> OutgoingMail:
    """One mail to an address without an account (the author of a practice proposal, the
    person who registered a school), rendered in `language`: the one they used when they
    filled in the form (None or an unknown code: the site's language). Stored in the current
    transaction, like `mail_to_users`."""
    return _write(
        to=to,
        language=language,
        template=template,
        context=context or {},
        kind=kind,
        sensitive=sensitive,
    )
