"""Tasks of the trajectories app. Mail (reminders, concerns) is written by the services in
their own transaction (reminders.send_due_reminders, concern_services.concern_mail); no task
renders a new mail.

`reminder_send` and `concern_mail_send` stay only for jobs an older release queued before
it wrote mail in the service's transaction (issue 12): each writes the same mail a service
writes now. Nothing enqueues them any more; drop them once no deployment can hold such a
job. An old job's `base_url` is ignored: links come from SITE_URL.
"""

from typing import Any

from django.db import transaction
from django.tasks import task

from buddywerk.common.tasks import old_mail_job


@task()
def reminder_send(*, reminder_id: int, **_old: Any) -> None:
    """An old queued job: hand one unsent reminder's mail to the outbox."""
    from .reminders import reminder_hand_over

    with transaction.atomic():
        reminder_hand_over(reminder_id=reminder_id)


@task()
def concern_mail_send(
    *, kind: str, trajectory_uuid: str, recipient_ids: list[int], **_old: Any
) -> None:
    """An old queued job: an urgent concern, or one that escalated: one mail per recipient."""
    from .concern_services import concern_mail
    from .models import Trajectory

    if kind not in {"urgent_concern", "concern_escalated"}:
        raise ValueError(f"Unknown concern mail: {kind}")
    old_mail_job(
        Trajectory.objects.all(),
        lambda trajectory: concern_mail(kind=kind, trajectory=trajectory, recipients=recipient_ids),
        uuid=trajectory_uuid,
    )
