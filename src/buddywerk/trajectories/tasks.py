"""Mail of the trajectories app, sent by the task worker after the write that caused it.

Task arguments are ids and strings only (they are stored in the task queue).
"""

from django.conf import settings
from django.core.mail import send_mail
from django.db.models import F
from django.tasks import task
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from .models import TrajectoryReminder


@task()
def reminder_send(*, reminder_id: int, base_url: str = "") -> None:
    """Send one reminder. On failure (SMTP down) the error is noted, the reminder stays
    unsent and the exception is raised again, so the task fails visibly and the next
    `send_due_reminders` run retries it. No pupil's name in the subject or the body."""
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
    try:
        send_mail(
            settings.ACCOUNT_EMAIL_SUBJECT_PREFIX + " ".join(subject.split()),
            body,
            settings.DEFAULT_FROM_EMAIL,
            [user.email],
        )
    except Exception as exc:
        TrajectoryReminder.objects.filter(pk=reminder.pk).update(
            attempts=F("attempts") + 1, last_error=f"{type(exc).__name__}: {exc}"[:300]
        )
        raise
    TrajectoryReminder.objects.filter(pk=reminder.pk).update(
        sent_at=timezone.now(), attempts=F("attempts") + 1, last_error=""
    )
