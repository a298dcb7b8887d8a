"""Mail about schools, sent by the task worker after the write that caused it committed."""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.tasks import task
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from buddywerk.mail.outbox import mail_enqueue

from .models import School

MAIL_KINDS = frozenset(
    {"registration_received", "registration_declined", "invitation", "staff_added"}
)


def password_set_path(user: object) -> str:
    """The allauth "set a new password" link for `user`: the invitation to choose one."""
    from allauth.account import app_settings
    from allauth.account.utils import user_pk_to_url_str

    key = app_settings.PASSWORD_RESET_TOKEN_GENERATOR().make_token(user)
    return reverse(
        "account_reset_password_from_key",
        kwargs={"uidb36": user_pk_to_url_str(user), "key": key},
    )


@task()
def school_mail_send(
    *,
    kind: str,
    school_id: int,
    email: str,
    base_url: str,
    user_id: int | None = None,
    name: str = "",
    reason: str = "",
    school_name: str = "",
    school_number: str = "",
) -> None:
    """Send one mail about a school. The subject never names a pupil. Mails about a
    registration go to an address nobody confirmed: they name the school by its number
    only, never with words the registrant typed (issue 11, point 7)."""
    if kind not in MAIL_KINDS:
        raise ValueError(f"Unknown school mail: {kind}")
    school = School.objects.filter(pk=school_id).first()
    user = get_user_model().objects.filter(pk=user_id).first() if user_id else None
    base = base_url.rstrip("/")
    context = {
        "school_name": school.name if school else school_name,
        "school_number": school.school_number if school else school_number,
        "name": name or (user.get_full_name() if user else ""),
        "reason": reason,
        "sign_in_url": base + reverse("account_login"),
        "set_password_url": (
            base + password_set_path(user) if user and not user.has_usable_password() else ""
        ),
    }
    language = getattr(user, "preferred_language", "") or settings.LANGUAGE_CODE
    with translation.override(language):
        subject = render_to_string(f"organisations/email/{kind}_subject.txt", context)
        body = render_to_string(f"organisations/email/{kind}_body.txt", context)
    mail_enqueue(
        to=email,
        subject=settings.ACCOUNT_EMAIL_SUBJECT_PREFIX + " ".join(subject.split()),
        body=body,
        kind=f"organisations.{kind}",
        sensitive=bool(context["set_password_url"]),
    )
