"""Tasks of the duo follow-up. Mail is written by the services in their own transaction
(services.followup_mail); no task renders a new mail.

`followup_mail_send` stays only for jobs an older release queued before it wrote mail in
the service's transaction (issue 12): it writes the same mail a service writes now. Nothing
enqueues it any more; drop it once no deployment can hold such a job. An old job's
`base_url` is ignored: links come from SITE_URL.
"""

import datetime as dt
from typing import Any

from django.db import transaction
from django.tasks import task


@task()
def followup_mail_send(
    *, kind: str, trajectory_uuid: str, recipient_ids: list[int], **_old: Any
) -> None:
    """An old queued job: one mail per recipient, in their language, with a link to the duo."""
    from buddywerk.trajectories.models import Trajectory

    from .services import followup_mail

    if kind not in {"tandem_note", "checkin_due", "action_overdue"}:
        raise ValueError(f"Unknown follow-up mail: {kind}")
    trajectory = Trajectory.objects.filter(uuid=trajectory_uuid).first()
    if trajectory is not None:
        with transaction.atomic():
            followup_mail(kind=kind, trajectory=trajectory, recipients=recipient_ids)


@task()
def followup_reminders_run(*, today: str, **_old: Any) -> dict[str, int]:
    """The daily run for the worker: escalations and reminders (see services)."""
    from .services import followup_reminders

    return followup_reminders(today=dt.date.fromisoformat(today))
