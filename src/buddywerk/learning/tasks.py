"""Tasks of the learning app. Mail is written by the services in their own transaction
(services.registration_moved_up_mail); no task renders a new mail.
`registration_mail_send` is an old job (common.tasks.old_mail_job).
"""

from typing import Any

from django.tasks import task

from buddywerk.common.tasks import old_mail_job


@task()
def registration_mail_send(*, kind: str, registration_id: int, **_old: Any) -> None:
    """An old queued job: tell a buddy that they moved up from the waiting list."""
    from .models import Registration
    from .services import registration_moved_up_mail

    if kind != "moved_up":
        raise ValueError(f"Unknown registration mail: {kind}")
    old_mail_job(
        Registration.objects.select_related("event", "user"),
        lambda registration: registration_moved_up_mail(registration=registration),
        pk=registration_id,
    )
