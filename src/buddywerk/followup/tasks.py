"""Tasks of the duo follow-up. Mail is written by the services in their own transaction
(services.followup_mail); no task renders a new mail. `followup_mail_send` is an old job
(common.tasks.old_mail_job).
"""

import datetime as dt
from typing import Any

from django.tasks import task

from buddywerk.common.tasks import old_mail_job


@task()
def followup_mail_send(
    *, kind: str, trajectory_uuid: str, recipient_ids: list[int], **_old: Any
) -> None:
    """An old queued job: one mail per recipient, in their language, with a link to the duo."""
    from buddywerk.trajectories.models import Trajectory

    from .services import followup_mail

    if kind not in {"tandem_note", "checkin_due", "action_overdue"}:
        raise ValueError(f"Unknown follow-up mail: {kind}")
    old_mail_job(
        Trajectory.objects.all(),
        lambda trajectory: followup_mail(
            kind=kind, trajectory=trajectory, recipients=recipient_ids
        ),
        uuid=trajectory_uuid,
    )


@task()
def followup_reminders_run(*, today: str, **_old: Any) -> dict[str, int]:
    """The daily run for the worker: escalations and reminders (see services)."""
    from .services import followup_reminders

    return followup_reminders(today=dt.date.fromisoformat(today))
