"""Background work of the buddies app. The import's task lives beside the import
(importer.run_buddy_import) and is named here too, for jobs queued under this module's
name. Mail is written by the services in their own transaction (services.buddy_*_mail,
importer.buddy_import_invitations_mail).

Task arguments are ids only (they are stored in the task queue).

The `send_*` tasks stay only for jobs an older release queued before it wrote mail in the
service's transaction (issue 12): each writes the same mail a service writes now. Nothing
enqueues them any more; drop them once no deployment can hold such a job. An old job's
`base_url` argument is ignored: links come from SITE_URL.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.tasks import task

from .importer import run_buddy_import  # noqa: F401 - jobs queued under this name


@task
def send_email_verification(email_address_id: int, *_old: Any) -> None:
    """An old queued job: the verification mail of a new buddy, if still unverified."""
    from allauth.account.models import EmailAddress

    from .services import buddy_verification_mail

    address = EmailAddress.objects.select_related("user").filter(pk=email_address_id).first()
    if address is not None and not address.verified:
        with transaction.atomic():
            buddy_verification_mail(address=address)


@task
def send_account_exists(user_id: int, *_old: Any) -> None:
    """An old queued job: tell an account's owner that someone registered with it."""
    from buddywerk.access.models import User

    from .services import buddy_account_exists_mail

    user = User.objects.filter(pk=user_id).first()
    if user is not None:
        with transaction.atomic():
            buddy_account_exists_mail(user=user)


@task
def send_screening_decision(buddy_id: int, programme_id: int) -> None:
    """An old queued job: tell an applicant the programme's decision."""
    from buddywerk.organisations.models import Programme

    from .models import Buddy
    from .services import buddy_screening_mail

    buddy = Buddy.objects.select_related("user").filter(pk=buddy_id).first()
    programme = Programme.objects.filter(pk=programme_id).first()
    if buddy is not None and programme is not None:
        with transaction.atomic():
            buddy_screening_mail(buddy=buddy, programme=programme)


@task
def send_import_invitations(import_id: int, *_old: Any) -> None:
    """An old queued job: the invitations of an import's new buddies."""
    from .importer import buddy_import_invitations_mail
    from .models import BuddyImport

    job = BuddyImport.objects.select_related("programme", "training_institution").get(pk=import_id)
    with transaction.atomic():
        buddy_import_invitations_mail(job=job)
