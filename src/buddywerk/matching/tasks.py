"""Tasks of the matching app. Mail is written by the services in their own transaction
(services.proposal_mail); no task renders a new mail.

`proposal_mail_send` stays only for jobs an older release queued before it wrote mail in
the service's transaction (issue 12): it writes the same mail a service writes now. Nothing
enqueues it any more; drop it once no deployment can hold such a job.
"""

from typing import Any

from django.db import transaction
from django.tasks import task


@task()
def proposal_mail_send(*, kind: str, proposal_id: int, **_old: Any) -> None:
    """An old queued job: write the mail about `kind` for the proposal (links from
    SITE_URL; the old job's `base_url` is ignored)."""
    from .models import Proposal
    from .services import proposal_mail

    proposal = Proposal.objects.filter(pk=proposal_id).first()
    if proposal is not None:
        with transaction.atomic():
            proposal_mail(kind=kind, proposal=proposal)


@task()
def proposals_expire_run(**_old: Any) -> None:
    """The expiry pass as a task, for a scheduler that enqueues tasks rather than running
    commands (`buddywerk matching_expire` does the same from cron). Takes no argument (an
    old queued job's `base_url` is ignored)."""
    from .services import proposals_expire

    proposals_expire()
