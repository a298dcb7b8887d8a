"""Access on request (GDPR Art. 15, issue 15 point 5): the writes. Making an export is
audited (`privacy.access_export`, the child or the buddy as target) and gives a signed
download link that expires; each download of a file is audited as a view of the subject.
The data itself is gathered by access_export.py."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied
from django.db import transaction

from buddywerk.access import policy
from buddywerk.buddies.models import Buddy
from buddywerk.common.audit import AuditAction, audit_record, seen
from buddywerk.common.models import AuditEvent
from buddywerk.referrals.models import Family, Pupil

from . import access_export
from .access_export import BUDDY, FAMILY, PUPIL, ExportLink

if TYPE_CHECKING:
    from buddywerk.access.models import User

FORMATS = ("pdf", "json")


def _subject_type(subject: Pupil | Family | Buddy) -> str:
    if isinstance(subject, Pupil):
        return PUPIL
    return FAMILY if isinstance(subject, Family) else BUDDY


def _allowed(actor: User, subject: Pupil | Family | Buddy) -> bool:
    if isinstance(subject, Pupil):
        return policy.pupils_for_access_export(actor, Pupil.objects.filter(pk=subject.pk)).exists()
    if isinstance(subject, Family):
        return policy.families_for_access_export(
            actor, Family.objects.filter(pk=subject.pk)
        ).exists()
    return policy.can_export_own_data(actor) and subject.user_id == actor.pk


@transaction.atomic
def access_export_create(*, actor: User, subject: Pupil | Family | Buddy) -> str:
    """Record that `actor` made an export of `subject`'s data and return the token of its
    download link (valid `access_export.LINK_MINUTES`, for `actor` only). A coordinator
    exports a pupil or family of their programmes, a buddy only themselves."""
    if not _allowed(actor, subject):
        raise PermissionDenied
    subject_type = _subject_type(subject)
    programmes = None if subject_type == BUDDY else policy.access_export_programme_ids(actor)
    event = audit_record(
        actor=actor,
        action=AuditAction.ACCESS_EXPORT,
        target=subject,
        detail={"programmes": sorted(programmes) if programmes is not None else "all"},
    )
    return access_export.export_token(
        subject_type=subject_type,
        subject_uuid=str(subject.uuid),
        user_id=actor.pk,
        event_id=event.pk,
    )


def access_export_subject(link: ExportLink, *, user: User) -> Pupil | Family | Buddy | None:
    """The subject of a link, when it is still in `user`'s scope (a coordinator who left
    the programme since cannot use an old link)."""
    if link.subject_type == PUPIL:
        return (
            policy.pupils_for_access_export(user, Pupil.objects.all())
            .filter(uuid=link.subject_uuid)
            .first()
        )
    if link.subject_type == FAMILY:
        return (
            policy.families_for_access_export(user, Family.objects.all())
            .filter(uuid=link.subject_uuid)
            .first()
        )
    if not policy.can_export_own_data(user):
        return None
    return Buddy.objects.filter(user=user, uuid=link.subject_uuid).first()


def access_export_download(
    *, actor: User, link: ExportLink, subject: Pupil | Family | Buddy, file_format: str
) -> bytes:
    """The file of an export, and its audit event: a view of the subject's data, tied to
    the export it belongs to."""
    if file_format not in FORMATS:
        raise ValueError(file_format)
    if not _allowed(actor, subject):
        raise PermissionDenied
    data: dict[str, Any]
    # Read and audit in one transaction; render the file after it (WeasyPrint takes seconds).
    with transaction.atomic():
        if isinstance(subject, Buddy):
            data = access_export.collect_buddy(subject)
        else:
            data = access_export.collect_participant(
                subject, programme_ids=policy.access_export_programme_ids(actor)
            )
        audit_record(
            actor=actor,
            action=AuditAction.VIEW,
            target=seen(subject, access_export=link.event_id, file=file_format),
        )
    return access_export.to_pdf(data) if file_format == "pdf" else access_export.to_json(data)


def export_event(link: ExportLink) -> AuditEvent | None:
    """The audit event of the export a link belongs to (it dates the link)."""
    return AuditEvent.objects.filter(
        pk=link.event_id, action=AuditAction.ACCESS_EXPORT, actor_id=link.user_id
    ).first()
