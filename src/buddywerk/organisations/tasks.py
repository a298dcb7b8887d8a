"""Tasks of the organisations app. Mail is written by the services in their own transaction
(services.school_registrant_mail, services.school_staff_mail); no task renders a new mail.

`school_mail_send` stays only for jobs an older release queued before it wrote mail in the
service's transaction (issue 12): it writes the same mail a service writes now. Nothing
enqueues it any more; drop it once no deployment can hold such a job.
"""

from typing import Any

from django.conf import settings
from django.db import transaction
from django.tasks import task


@task()
def school_mail_send(
    *,
    kind: str,
    school_id: int,
    email: str,
    user_id: int | None = None,
    reason: str = "",
    school_number: str = "",
    **_old: Any,
) -> None:
    """An old queued job: write one mail about a school (links from SITE_URL; the old job's
    `base_url` and the registrant's typed words are ignored). A declined registration's
    school is gone: its number came with the job."""
    from buddywerk.access.models import User
    from buddywerk.mail.compose import mail_to_address

    from .models import School
    from .services import school_registrant_mail, school_staff_mail

    school = School.objects.filter(pk=school_id).first()
    with transaction.atomic():
        if kind in {"invitation", "staff_added"}:
            user = User.objects.filter(pk=user_id).first() if user_id else None
            if school is not None and user is not None:
                school_staff_mail(kind=kind, school=school, user=user)
        elif kind == "registration_received" and school is not None:
            school_registrant_mail(kind=kind, school=school)
        elif kind == "registration_declined":
            mail_to_address(
                to=email,
                language=settings.LANGUAGE_CODE,
                template=f"organisations/email/{kind}",
                kind=f"organisations.{kind}",
                context={"school_number": school_number, "reason": reason},
            )
