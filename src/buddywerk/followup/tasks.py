"""Mail of the duo follow-up, sent by the task worker after the write that caused it.

Arguments are ids and strings only (they are stored in the queue). No mail names a pupil
or a family: the subject and body only point to the duo's page.
"""

from django.conf import settings
from django.tasks import task
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from buddywerk.access.models import User
from buddywerk.mail.outbox import mail_enqueue

MAIL_KINDS = frozenset(
    {"tandem_note", "urgent_concern", "concern_escalated", "checkin_due", "action_overdue"}
)


@task()
def followup_mail_send(
    *, kind: str, trajectory_uuid: str, recipient_ids: list[int], base_url: str
) -> None:
    """One mail per recipient, in their language, with a link to the duo."""
    if kind not in MAIL_KINDS:
        raise ValueError(f"Unknown follow-up mail: {kind}")
    link = base_url.rstrip("/") + reverse("trajectories:detail", args=[trajectory_uuid])
    for user in User.objects.filter(pk__in=recipient_ids, is_active=True).order_by("pk"):
        context = {"name": user.first_name or user.email, "link": link}
        with translation.override(user.preferred_language or settings.LANGUAGE_CODE):
            subject = render_to_string(f"trajectories/followup/email/{kind}_subject.txt", context)
            body = render_to_string(f"trajectories/followup/email/{kind}_body.txt", context)
        mail_enqueue(
            to=user.email,
            subject=settings.ACCOUNT_EMAIL_SUBJECT_PREFIX + " ".join(subject.split()),
            body=body,
            kind=f"trajectories.{kind}",
        )


@task()
def followup_reminders_run(*, today: str, base_url: str) -> dict[str, int]:
    """The daily run for the worker: escalations and reminders (see followup_services)."""
    import datetime as dt

    from .followup_services import followup_reminders

    return followup_reminders(today=dt.date.fromisoformat(today), base_url=base_url)
