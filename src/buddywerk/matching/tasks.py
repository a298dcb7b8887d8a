"""Tasks of the matching app. Mail is written by the services in their own transaction
(services.proposal_mail); no task renders a new mail. `proposal_mail_send` is an old job
(common.tasks.old_mail_job).
"""

from typing import Any

from django.tasks import task

from buddywerk.common.tasks import old_mail_job


@task()
def proposal_mail_send(*, kind: str, proposal_id: int, **_old: Any) -> None:
    """An old queued job: write the mail about `kind` for the proposal."""
    from .models import Proposal
    from .services import proposal_mail

    old_mail_job(
        Proposal.objects.all(),
        lambda proposal: proposal_mail(kind=kind, proposal=proposal),
        pk=proposal_id,
    )


@task()
def proposals_expire_run(**_old: Any) -> None:
    """The expiry pass as a task, for a scheduler that enqueues tasks rather than running
    commands (`buddywerk matching_expire` does the same from cron). Takes no argument (an
    old queued job's `base_url` is ignored)."""
    from .services import proposals_expire

    proposals_expire()
