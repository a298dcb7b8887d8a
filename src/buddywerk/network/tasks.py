"""Tasks of the network app. Mail is written by the services in their own transaction
(services.practice_submission_mail); no task renders a new mail. `practice_mail_send` is
an old job (common.tasks.old_mail_job).
"""

from typing import Any

from django.tasks import task

from buddywerk.common.tasks import old_mail_job


@task()
def practice_mail_send(*, kind: str, submission_id: int, **_old: Any) -> None:
    """An old queued job: write the mail about `kind` to the proposal's author."""
    from .models import PracticeSubmission
    from .services import practice_submission_mail

    old_mail_job(
        PracticeSubmission.objects.all(),
        lambda submission: practice_submission_mail(kind=kind, submission=submission),
        pk=submission_id,
    )
