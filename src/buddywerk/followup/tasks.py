"""Mail of the duo follow-up, sent by the task worker after the write that caused it.

Arguments are ids and strings only (they are stored in the queue). No mail names a pupil
or a family: the subject and body only point to the duo's page.
"""

import datetime as dt

from django.tasks import task

from buddywerk.trajectories.tasks import duo_mail_enqueue

MAIL_KINDS = frozenset({"tandem_note", "checkin_due", "action_overdue"})


@task()
def followup_mail_send(
    *, kind: str, trajectory_uuid: str, recipient_ids: list[int], base_url: str
) -> None:
    """One mail per recipient, in their language, with a link to the duo."""
    if kind not in MAIL_KINDS:
        raise ValueError(f"Unknown follow-up mail: {kind}")
    duo_mail_enqueue(
        app_label="followup",
        kind=kind,
        trajectory_uuid=trajectory_uuid,
        recipient_ids=recipient_ids,
        base_url=base_url,
    )


@task()
def followup_reminders_run(*, today: str, base_url: str) -> dict[str, int]:
    """The daily run for the worker: escalations and reminders (see services)."""
    from .services import followup_reminders

    return followup_reminders(today=dt.date.fromisoformat(today), base_url=base_url)
