"""Mail of the learning app, sent by the task worker after the write that caused it."""

from django.conf import settings
from django.tasks import task
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from buddywerk.mail.outbox import mail_enqueue

from .models import Registration

MAIL_KINDS = frozenset({"moved_up"})


@task()
def registration_mail_send(*, kind: str, registration_id: int, base_url: str) -> None:
    """Tell a buddy that they moved up from the waiting list (R13)."""
    if kind not in MAIL_KINDS:
        raise ValueError(f"Unknown registration mail: {kind}")
    registration = (
        Registration.objects.select_related("event", "buddy__user")
        .filter(pk=registration_id)
        .first()
    )
    if registration is None:
        return
    user = registration.buddy.user
    context = {
        "registration": registration,
        "event": registration.event,
        "name": user.first_name or user.email,
        "event_url": base_url.rstrip("/")
        + reverse("learning:event_detail", args=[registration.event.uuid]),
    }
    with translation.override(user.preferred_language or settings.LANGUAGE_CODE):
        subject = render_to_string(f"learning/email/{kind}_subject.txt", context)
        body = render_to_string(f"learning/email/{kind}_body.txt", context)
    mail_enqueue(
        to=user.email,
        subject=settings.ACCOUNT_EMAIL_SUBJECT_PREFIX + " ".join(subject.split()),
        body=body,
        kind=f"learning.{kind}",
    )
