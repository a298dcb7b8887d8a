"""Mail of the network app, sent by the task worker after the write that caused it."""

from django.conf import settings
from django.tasks import task
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from buddywerk.mail.outbox import mail_enqueue

from .models import PracticeSubmission

MAIL_KINDS = frozenset({"confirm", "published", "changes_requested", "rejected"})
# These carry the proposal's secret key (confirm and edit links).
SECRET_LINK_KINDS = frozenset({"confirm", "changes_requested"})


@task()
def practice_mail_send(*, kind: str, submission_id: int, base_url: str) -> None:
    """One mail to the author of a practice proposal: confirm the address, or hear what the
    moderator decided. The link carries the proposal's secret key."""
    if kind not in MAIL_KINDS:
        raise ValueError(f"Unknown practice mail: {kind}")
    submission = (
        PracticeSubmission.objects.select_related("practice").filter(pk=submission_id).first()
    )
    if submission is None:
        return
    base = base_url.rstrip("/")
    context = {
        "submission": submission,
        "confirm_url": base
        + reverse("network:practice_submission_confirm", args=[submission.token]),
        "edit_url": base + reverse("network:practice_submission_edit", args=[submission.token]),
        "practice_url": (
            base + reverse("network:practice_detail", args=[submission.practice.uuid])
            if submission.practice_id
            else ""
        ),
    }
    with translation.override(settings.LANGUAGE_CODE):
        subject = render_to_string(f"network/email/{kind}_subject.txt", context)
        body = render_to_string(f"network/email/{kind}_body.txt", context)
    mail_enqueue(
        to=submission.submitter_email,
        subject=settings.ACCOUNT_EMAIL_SUBJECT_PREFIX + " ".join(subject.split()),
        body=body,
        kind=f"network.{kind}",
        sensitive=kind in SECRET_LINK_KINDS,
    )
