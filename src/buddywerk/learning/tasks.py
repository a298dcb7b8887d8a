"""Tasks of the learning app. Mail is written by the services in their own transaction
(services.registration_moved_up_mail); no task renders a new mail.

`registration_mail_send` stays only for jobs an older release queued before it wrote mail
in the service's transaction (issue 12): it writes the same mail a service writes now.
Nothing enqueues it any more; drop it once no deployment can hold such a job.
"""

from typing import Any

from django.db import transaction
from django.tasks import task


@task()
def registration_mail_send(*, kind: str, registration_id: int, **_old: Any) -> None:
    """An old queued job: tell a buddy that they moved up from the waiting list (links from
    SITE_URL; the old job's `base_url` is ignored)."""
    from .models import Registration
    from .services import registration_moved_up_mail

    if kind != "moved_up":
        raise ValueError(f"Unknown registration mail: {kind}")
    registration = (
        Registration.objects.select_related("event", "user").filter(pk=registration_id).first()
    )
    if registration is not None:
        with transaction.atomic():
            registration_moved_up_mail(registration=registration)
