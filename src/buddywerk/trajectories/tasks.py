"""Mail of the trajectories app (reminders, concerns), sent by the task worker after the
write that caused it.

Task arguments are ids and strings only (they are stored in the task queue).
"""

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.tasks import task
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from buddywerk.access.models import User
from buddywerk.mail.outbox import mail_enqueue

from .models import TrajectoryReminder


@task()
def reminder_send(*, reminder_id: int, base_url: str = "") -> None:
    """Hand one reminder to the mail outbox (mail/outbox.py) and mark it sent in the same
    transaction: from there the outbox sends it, and retries it while SMTP is down. A
    reminder whose task failed before that stays unsent and the next `send_due_reminders`
    run enqueues it again. No pupil's name in the subject or the body."""
    reminder = (
        TrajectoryReminder.objects.select_related(
            "recipient", "trajectory__school", "trajectory__programme"
        )
        .filter(pk=reminder_id, sent_at__isnull=True)
        .first()
    )
    if reminder is None:
        return  # sent in the meantime, or gone with its duo
    user = reminder.recipient
    trajectory = reminder.trajectory
    context = {
        "name": user.first_name or user.email,
        "kind": reminder.kind,
        "about": reminder.about,
        "school": trajectory.school.name,
        "programme": trajectory.programme.name,
        "duo_url": base_url.rstrip("/") + reverse("trajectories:detail", args=[trajectory.uuid]),
    }
    with translation.override(user.preferred_language or settings.LANGUAGE_CODE):
        subject = render_to_string(f"trajectories/email/{reminder.kind}_subject.txt", context)
        body = render_to_string(f"trajectories/email/{reminder.kind}_body.txt", context)
    with transaction.atomic():
        # Only the task that marks it hands it over (two workers may hold the same id).
        if not TrajectoryReminder.objects.filter(pk=reminder.pk, sent_at__isnull=True).update(
            sent_at=timezone.now(), attempts=F("attempts") + 1, last_error=""
        ):
            return
        mail_enqueue(
            to=user.email,
            subject=settings.ACCOUNT_EMAIL_SUBJECT_PREFIX + " ".join(subject.split()),
            body=body,
            kind=f"trajectories.{reminder.kind}",
        )


# Mails about a duo's concerns (concern_services.py).
CONCERN_MAIL_KINDS = frozenset({"urgent_concern", "concern_escalated"})


def duo_mail_enqueue(
    *, app_label: str, kind: str, trajectory_uuid: str, recipient_ids: list[int], base_url: str
) -> None:
    """One mail per active recipient, in their language, with a link to the duo's page, from
    the templates `<app_label>/email/<kind>_subject.txt` and `..._body.txt`. No mail names a
    pupil or a family, nor quotes what was written: it only points to the duo. Shared by the
    concern mails and the follow-up's (buddywerk.followup.tasks)."""
    link = base_url.rstrip("/") + reverse("trajectories:detail", args=[trajectory_uuid])
    for user in User.objects.filter(pk__in=recipient_ids, is_active=True).order_by("pk"):
        context = {"name": user.first_name or user.email, "link": link}
        with translation.override(user.preferred_language or settings.LANGUAGE_CODE):
            subject = render_to_string(f"{app_label}/email/{kind}_subject.txt", context)
            body = render_to_string(f"{app_label}/email/{kind}_body.txt", context)
        mail_enqueue(
            to=user.email,
            subject=settings.ACCOUNT_EMAIL_SUBJECT_PREFIX + " ".join(subject.split()),
            body=body,
            kind=f"{app_label}.{kind}",
        )


@task()
def concern_mail_send(
    *, kind: str, trajectory_uuid: str, recipient_ids: list[int], base_url: str
) -> None:
    """An urgent concern, or one that escalated: one mail per recipient."""
    if kind not in CONCERN_MAIL_KINDS:
        raise ValueError(f"Unknown concern mail: {kind}")
    duo_mail_enqueue(
        app_label="trajectories",
        kind=kind,
        trajectory_uuid=trajectory_uuid,
        recipient_ids=recipient_ids,
        base_url=base_url,
    )
