"""Tasks of the network app. Mail is written by the services in their own transaction
(services.practice_submission_mail); no task renders a new mail.

`practice_mail_send` stays only for jobs an older release queued before it wrote mail in
the service's transaction (issue 12): it writes the same mail a service writes now. Nothing
enqueues it any more; drop it once no deployment can hold such a job.
"""

from typing import Any

from django.db import transaction
from django.tasks import task


@task()
def practice_mail_send(*, kind: str, submission_id: int, **_old: Any) -> None:
    """An old queued job: write the mail about `kind` to the proposal's author (links from
    SITE_URL; the old job's `base_url` is ignored)."""
    from .models import PracticeSubmission
    from .services import practice_submission_mail

    submission = PracticeSubmission.objects.filter(pk=submission_id).first()
    if submission is not None:
        with transaction.atomic():
            practice_submission_mail(kind=kind, submission=submission)
