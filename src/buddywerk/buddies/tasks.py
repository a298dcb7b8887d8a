"""Background work of the buddies app: mail (sent after the write commits) and the import.

Task arguments are ids and strings only (they are stored in the task queue).
"""

from __future__ import annotations

from allauth.account.forms import default_token_generator
from allauth.account.models import EmailAddress, EmailConfirmationHMAC
from allauth.account.utils import user_pk_to_url_str
from django.conf import settings
from django.tasks import task
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from buddywerk.mail.outbox import mail_enqueue


def _send(*, to: str, language: str, template: str, context: dict, sensitive: bool = False) -> None:
    """Render `buddies/email/<template>_subject.txt` and `_body.txt` in the user's language.
    `sensitive`: the body carries a secret link (see mail.outbox)."""
    with translation.override(language or settings.LANGUAGE_CODE):
        subject = render_to_string(f"buddies/email/{template}_subject.txt", context)
        body = render_to_string(f"buddies/email/{template}_body.txt", context)
    subject = settings.ACCOUNT_EMAIL_SUBJECT_PREFIX + " ".join(subject.split())
    mail_enqueue(to=to, subject=subject, body=body, kind=f"buddies.{template}", sensitive=sensitive)


def _absolute(base_url: str, path: str) -> str:
    return base_url.rstrip("/") + path


@task
def send_email_verification(email_address_id: int, base_url: str) -> None:
    """allauth's email verification for a new buddy: its key and its confirmation page."""
    address = EmailAddress.objects.select_related("user").get(pk=email_address_id)
    if address.verified:
        return
    key = EmailConfirmationHMAC(address).key
    _send(
        to=address.email,
        language=address.user.preferred_language,
        template="verify",
        context={
            "user": address.user,
            "activate_url": _absolute(base_url, reverse("account_confirm_email", args=[key])),
        },
        sensitive=True,
    )


@task
def send_account_exists(user_id: int, base_url: str) -> None:
    """Someone registered as a buddy with an address that already has an account: tell the
    owner (not the visitor, see services.buddy_register), with links to sign in and to
    reset the password."""
    from buddywerk.access.models import User

    user = User.objects.get(pk=user_id)
    _send(
        to=user.email,
        language=user.preferred_language,
        template="account_exists",
        context={
            "user": user,
            "login_url": _absolute(base_url, reverse("account_login")),
            "reset_url": _absolute(base_url, reverse("account_reset_password")),
        },
    )


@task
def send_screening_decision(buddy_id: int, programme_id: int) -> None:
    """Tell an applicant the programme's decision (approved, or declined with the reason)."""
    from buddywerk.organisations.models import Programme

    from .models import Buddy

    buddy = Buddy.objects.select_related("user").get(pk=buddy_id)
    programme = Programme.objects.get(pk=programme_id)
    _send(
        to=buddy.user.email,
        language=buddy.user.preferred_language,
        template=f"screening_{buddy.status}",
        context={"buddy": buddy, "user": buddy.user, "programme": programme},
    )


def invitation_url(user, base_url: str) -> str:  # type: ignore[no-untyped-def]
    """allauth's set-a-password link for an account created without a password."""
    path = reverse(
        "account_reset_password_from_key",
        kwargs={
            "uidb36": user_pk_to_url_str(user),
            "key": default_token_generator.make_token(user),
        },
    )
    return _absolute(base_url, path)


@task
def send_import_invitations(import_id: int, base_url: str) -> None:
    """Invite every buddy an import created to set a password (one mail each)."""
    from .models import Buddy, BuddyImport

    job = BuddyImport.objects.select_related("programme", "training_institution").get(pk=import_id)
    buddies = Buddy.objects.filter(source_import=job).select_related("user").order_by("pk")
    for buddy in buddies.iterator(chunk_size=500):
        if buddy.user.has_usable_password():
            continue
        _send(
            to=buddy.user.email,
            language=buddy.user.preferred_language,
            template="import_invitation",
            context={
                "user": buddy.user,
                "programme": job.programme,
                "institution": job.training_institution,
                "invite_url": invitation_url(buddy.user, base_url),
            },
            sensitive=True,
        )


@task
def run_buddy_import(import_id: int, commit: bool, base_url: str) -> None:
    """Check (dry run) or run an uploaded import; progress is written as it goes, and any
    error marks the job failed with a message (importer.import_run)."""
    from .importer import import_run

    import_run(import_id=import_id, commit=commit, base_url=base_url)
