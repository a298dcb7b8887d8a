"""The outbox's task: the first attempt to send a stored mail, right after the commit."""

from django.tasks import task


@task()
def outgoing_mail_send(*, mail_id: int) -> int:
    """Send one OutgoingMail; a failure is recorded on the row and retried by
    `retry_due_mail` (the scheduler), so the task itself does not fail. Returns 1 if sent."""
    from .outbox import mail_send

    return mail_send(mail_id=mail_id).sent
